export * from './datatypes';
export * from './errors';
export * from './tensor';
