export * from './digest';
export * from './file-digests';
export * from './version-manifest';
export * from './manifest-path';
export * from './model-cache';
export * from './model-source';
export * from './model-file-resolver';
export * from './stored-objects';
