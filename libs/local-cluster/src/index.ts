// A whole Flotilla deployment on one machine — a private nats-server and each service as its own
// process — for the launcher (`npm start`), the end-to-end tests and the benchmarks.
export * from './cluster';
export * from './command-wrapper';
export * from './free-port';
export * from './nats-server';
export * from './service-process';
export * from './startup-report';
export * from './wait-ready';
