// KServe v2 over gRPC: the .proto files, their loading, the server's service definitions, the
// mapping of Flotilla's errors to gRPC statuses, and a client for tests and the load generator.
export * from './proto-definitions';
export * from './server-service-definition';
export * from './grpc-status';
export * from './kserve-client';
