export * from './load-model-directory';
export * from './load-repository';
