export * from './trace-config-flags';
export * from './trace-sampling';
export * from './trace-setting-operations';
export * from './trace-settings';
