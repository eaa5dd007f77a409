export * from './propagation';
export * from './start-telemetry';
export * from './sampling';
