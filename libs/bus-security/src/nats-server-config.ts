import type { SubjectPermissions } from './bus-permissions';

/** One client identity as nats-server knows it: an nkey's public key (no secret in the config), or a user and password. */
export type ServerUser = { readonly nkey: string; readonly permissions: SubjectPermissions } | { readonly user: string; readonly password: string; readonly permissions: SubjectPermissions };

export interface ServerTls {
  readonly certFile: string;
  readonly keyFile: string;
  readonly caFile: string;
  /** Ask clients for a certificate signed by the CA too (mutual TLS). Off: clients prove who they are with their nkey. */
  readonly verifyClients?: boolean;
}

/** A node of a nats-server cluster: where it listens for routes and whom it dials. */
export interface ServerCluster {
  readonly name: string;
  /** `host:port` the routes listen on. */
  readonly listen: string;
  /** The other nodes' route addresses, `host:port` (its own may be among them: nats-server skips itself). */
  readonly routes: readonly string[];
  /** Credentials every node presents to the others (in the route URLs) and demands of them (absent: an open cluster, for a test's private network). */
  readonly routeUser?: { readonly user: string; readonly password: string };
  /** TLS between nodes: each node presents its certificate and checks the other's against the CA. */
  readonly tls?: { readonly certFile: string; readonly keyFile: string; readonly caFile: string };
}

export interface NatsServerConfig {
  /** `host:port` for clients. */
  readonly listen: string;
  readonly maxPayload?: string;
  readonly maxPending?: string;
  readonly writeDeadline?: string;
  /** `host:port` of the HTTP monitoring endpoint (plain HTTP, no client data: bind it to loopback). */
  readonly monitor?: string;
  readonly serverName?: string;
  /** TLS for clients: with it, nats-server refuses every client that does not speak TLS. */
  readonly tls?: ServerTls;
  /** With users, a client must present one of them and may do only what its permissions say. */
  readonly users?: readonly ServerUser[];
  readonly cluster?: ServerCluster;
  /**
   * JetStream on, keeping its data here (the model store: model files by digest). A server
   * restarted on the same folder finds the files stored before. In a cluster every node needs a
   * `serverName` of its own.
   */
  readonly jetStreamDir?: string;
  /** Extra top-level lines, verbatim (a `jetstream {…}` block, say). */
  readonly extra?: readonly string[];
}

/** Seconds a TLS handshake may take: nats-server's 0.5 s default fails now and then on a loaded 2-core machine (a slot thread connecting while others load their models: 2 s was not always enough). */
const TLS_TIMEOUT_SECS = 5;

/**
 * nats-server's configuration file for one node. Strings are written as JSON strings, which
 * nats-server's config syntax reads as they are (paths with spaces, passwords with any character).
 */
export function renderNatsServerConfig(config: NatsServerConfig): string {
  const lines = [`listen: ${q(config.listen)}`];
  if (config.serverName) lines.push(`server_name: ${q(config.serverName)}`);
  lines.push(`max_payload: ${config.maxPayload ?? '8MB'}`, `max_pending: ${config.maxPending ?? '64MB'}`, `write_deadline: ${q(config.writeDeadline ?? '10s')}`);
  if (config.monitor) lines.push(`http: ${q(config.monitor)}`);
  if (config.tls) lines.push(...block('tls', tlsLines(config.tls, config.tls.verifyClients ?? false)));
  if (config.users) lines.push(...block('authorization', [`users: [`, ...config.users.map((user) => `  ${userLine(user)}`), `]`]));
  if (config.cluster) lines.push(...block('cluster', clusterLines(config.cluster)));
  if (config.jetStreamDir) lines.push(...block('jetstream', [`store_dir: ${q(config.jetStreamDir)}`]));
  lines.push(...(config.extra ?? []), '');
  return lines.join('\n');
}

function tlsLines(tls: { certFile: string; keyFile: string; caFile: string }, verify: boolean): string[] {
  return [`cert_file: ${q(tls.certFile)}`, `key_file: ${q(tls.keyFile)}`, `ca_file: ${q(tls.caFile)}`, `verify: ${verify}`, `timeout: ${TLS_TIMEOUT_SECS}`];
}

function userLine(user: ServerUser): string {
  const who = 'nkey' in user ? `nkey: ${q(user.nkey)}` : `user: ${q(user.user)}, password: ${q(user.password)}`;
  const { publish, subscribe } = user.permissions;
  return `{ ${who}, permissions: { publish: { allow: ${list(publish)} }, subscribe: { allow: ${list(subscribe)} } } }`;
}

function clusterLines(cluster: ServerCluster): string[] {
  const routeUser = cluster.routeUser;
  const credentials = routeUser ? `${encodeURIComponent(routeUser.user)}:${encodeURIComponent(routeUser.password)}@` : '';
  return [
    `name: ${q(cluster.name)}`,
    `listen: ${q(cluster.listen)}`,
    ...(routeUser ? block('authorization', [`user: ${q(routeUser.user)}`, `password: ${q(routeUser.password)}`, `timeout: ${TLS_TIMEOUT_SECS}`]) : []),
    // Routes to a node that is gone are retried forever (nats-server's default for configured
    // routes); a node that comes back rejoins by itself. They dial with TLS whenever the cluster
    // block has it; the scheme stays nats-route.
    `routes: ${list(cluster.routes.map((route) => `nats-route://${credentials}${route}`))}`,
    ...(cluster.tls ? block('tls', tlsLines(cluster.tls, true)) : []),
  ];
}

function block(name: string, body: readonly string[]): string[] {
  return [`${name} {`, ...body.map((line) => `  ${line}`), '}'];
}

const q = (text: string) => JSON.stringify(text);
const list = (items: readonly string[]) => `[${items.map(q).join(', ')}]`;
