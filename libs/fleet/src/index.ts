export * from './executor-registry';
export * from './heartbeat-tracker';
export * from './rendezvous';
