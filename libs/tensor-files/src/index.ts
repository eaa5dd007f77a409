export * from './shared-memory-id';
export * from './tensor-file';
