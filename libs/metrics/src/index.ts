export * from './metrics-config';
export * from './metrics-input';
export * from './metrics-page';
