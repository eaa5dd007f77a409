export * from './executor-registry';
