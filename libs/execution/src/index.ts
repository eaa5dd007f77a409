export * from './plan-slots';
export * from './reconcile-instances';
export * from './statistics';
export * from './validate-inputs';
export * from './statistics-delta';
export * from './batch-tensors';
export * from './execution-groups';
export * from './request-deadline';
