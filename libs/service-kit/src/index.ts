export * from './control-plane';
export * from './fleet/fleet-view';
export * from './fleet/fleet.controller';
export * from './flags';
export * from './repository/model-records';
export * from './repository/repository-events.controller';
export * from './run-service';
export * from './service-logger';
