export * from './default-scheduler';
export * from './instance-slot';
export * from './model-table';
export * from './payload';
export * from './validate-inputs';
export * from './plan-slots';
export * from './reconcile-instances';
export * from './statistics';
