export * from './errors';
export * from './json-control';
export * from './message-bus';
