export * from './load-model-directory';
export * from './load-repository';
export * from './control-mode';
export * from './slot-readiness';
export * from './lifecycle-records';
export * from './load-parameters';
export * from './file-override-path';
export * from './materialize-overrides';
