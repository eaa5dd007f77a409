export * from './batch-former';
export * from './batch-key';
export * from './default-scheduler';
export * from './instance-slot';
export * from './model-table';
export * from './payload';
export * from './request-queue';
export * from './scheduling-policy';
