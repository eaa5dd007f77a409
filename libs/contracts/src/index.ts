export * from './datatypes';
export * from './errors';
export * from './frame';
export * from './batch-frame';
export * from './messages';
export * from './subjects';
export * from './tensor';
