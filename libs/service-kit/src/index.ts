export * from './bus.module';
export * from './flags';
export * from './run-service';
export * from './repository-follower';
export * from './service-logger';
