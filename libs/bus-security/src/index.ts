// Who may say what on a Flotilla bus, and the credentials, certificates and nats-server
// configuration that enforce it (docs/deployment.md, "Credentials and TLS").
export * from './bus-deployment';
export * from './bus-permissions';
export * from './nats-server-config';
export * from './tls-material';
