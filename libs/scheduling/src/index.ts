export * from './default-scheduler';
export * from './instance-slot';
export * from './model-table';
export * from './payload';
