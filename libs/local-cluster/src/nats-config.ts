/**
 * A nats-server configuration, rendered in one place: what Flotilla's own deployments (the
 * launcher, the tests, the multi-host harness) run. Authentication and TLS would be added here.
 */
export interface NatsConfig {
  /** Where clients connect: `host:port`. */
  readonly listen: string;
  /**
   * Largest message, e.g. `8MB`. The default 1 MiB would refuse a 1 MiB tensor once framed; the
   * gateway and executors read the limit from the server and refuse (413) what would not fit.
   */
  readonly maxPayload?: string;
  /** HTTP monitoring (`/varz`, `/routez`, `/connz`): `host:port`. */
  readonly monitor?: string;
  /** Joins this server into a cluster of nodes that route messages to each other. */
  readonly cluster?: NatsClusterConfig;
  /**
   * JetStream on, keeping its data here (the model store: model files by digest). A server
   * restarted on the same folder finds the files stored before.
   */
  readonly jetStreamDir?: string;
  /** The server's name: unique per node, which JetStream in a cluster needs. */
  readonly serverName?: string;
}

export interface NatsClusterConfig {
  /** The cluster's name: every node of one cluster has the same. */
  readonly name: string;
  /** Where other nodes' routes connect: `host:port`. */
  readonly listen: string;
  /**
   * The other nodes' route addresses (`nats-route://host:port`). A node may list itself too (it
   * notices and skips that route), so every node of a cluster can be given the same list.
   */
  readonly routes: readonly string[];
}

export const DEFAULT_MAX_PAYLOAD = '8MB';

export function renderNatsConfig(config: NatsConfig): string {
  const lines = [
    `listen: ${config.listen}`,
    `max_payload: ${config.maxPayload ?? DEFAULT_MAX_PAYLOAD}`,
    // A slow consumer of tensor frames is cut off only past 64 MB or 10 s behind, not at the
    // defaults' 64 MB / 2 s, which a busy 2-core machine reaches under load.
    'max_pending: 64MB',
    'write_deadline: "10s"',
  ];
  if (config.serverName) lines.push(`server_name: ${JSON.stringify(config.serverName)}`);
  if (config.monitor) lines.push(`http: ${config.monitor}`);
  if (config.jetStreamDir) lines.push(`jetstream { store_dir: ${JSON.stringify(config.jetStreamDir)} }`);
  if (config.cluster) {
    lines.push(
      'cluster {',
      `  name: ${JSON.stringify(config.cluster.name)}`,
      `  listen: ${config.cluster.listen}`,
      // Routes to a node that is gone are retried forever (nats-server's default for configured
      // routes); a node that comes back rejoins by itself.
      `  routes: [${config.cluster.routes.map((route) => JSON.stringify(route)).join(', ')}]`,
      '}',
    );
  }
  return `${lines.join('\n')}\n`;
}
