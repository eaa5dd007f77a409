export * from './rate-limit-mode';
export * from './rate-limit-resource-option';
export * from './pool-key';
export * from './resource-limit-error';
export * from './resource-pools';
export * from './instance-context';
export * from './rate-limiter';
export * from './rate-limiter-for';
