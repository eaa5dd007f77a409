// Hosts made of Linux network namespaces on one machine, and a Flotilla deployment spread over
// them (one NATS cluster node per host), for end-to-end tests of multi-host deployments.
export * from './host-deployment';
export * from './host-network';
export * from './ip-command';
export * from './namespace-names';
export * from './port-forward';
export * from './stale-namespaces';
