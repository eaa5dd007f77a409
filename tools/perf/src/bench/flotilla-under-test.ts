// Flotilla as the benchmarks run it: nats-server and all five services as separate processes,
// started by the launcher's FlotillaCluster on free ports, service output to a log file.
import { appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// The launcher is an application, not a library, so the module-boundaries rule refuses a path
// import; the end-to-end tests import it the same way. Moving cluster.ts into a lib would lift this.
import { FlotillaCluster, freePort, type ClusterOptions } from '@flotilla/local-cluster';
import type { BenchBusIdentity } from './nats-round-trip';

export interface RunningFlotilla {
  readonly url: string;
  /** host:port of its gRPC API. */
  readonly grpcAddress: string;
  /** Its nats-server, for measurements of the bus itself. */
  readonly natsUrl: string;
  /** The deployment's admin identity on a secured bus (the default), to measure the bus with. */
  readonly natsAdmin?: BenchBusIdentity;
  /** nats-server's monitoring endpoint (`/varz`), for messages per request. */
  readonly natsMonitorUrl: string;
  readonly logFile: string;
  /** Its Prometheus endpoint, when started with metrics. */
  readonly metricsUrl?: string;
  /** pid of each service process, by service name (`gateway`, `executor:cpu`, …). */
  readonly pids: ReadonlyMap<string, number>;
  stop(): Promise<void>;
}

/** `metrics: true` serves /metrics on a free port; by default the deployment serves none. */
export async function startFlotilla(
  modelRepository: string,
  env: NodeJS.ProcessEnv = {},
  cluster: Pick<ClusterOptions, 'rateLimit' | 'rateLimitResources' | 'gatewayFlags' | 'busSecurity'> & { readonly metrics?: boolean } = {},
): Promise<RunningFlotilla> {
  const { metrics, ...clusterOptions } = cluster;
  const logFile = join(tmpdir(), `flotilla-bench-${process.pid}-${Date.now()}.log`);
  const deployment = await FlotillaCluster.start({
    ...clusterOptions,
    ...(metrics ? { metricsPort: await freePort() } : {}),
    modelRepository,
    httpPort: await freePort(),
    grpcPort: await freePort(),
    natsPort: await freePort(),
    natsMonitorPort: await freePort(),
    httpAddress: '127.0.0.1',
    env,
    log: (service, line) => appendFileSync(logFile, `${service.padEnd(16)} ${line}\n`),
  });
  try {
    await deployment.waitReady(90_000);
  } catch (error) {
    await deployment.stop();
    throw new Error(`${(error as Error).message}; service logs: ${logFile}`);
  }
  const pids = new Map(deployment.serviceNames().map((name) => [name, deployment.service(name).child.pid ?? -1] as const));
  const bus = deployment.bus;
  const natsAdmin = bus ? { natsAdmin: { seedFile: bus.identities.admin.seedFile, caFile: bus.ca.certFile } } : {};
  return { url: deployment.url, grpcAddress: deployment.grpcAddress!, natsUrl: deployment.natsUrl, ...natsAdmin, natsMonitorUrl: deployment.natsMonitorUrl!, ...(deployment.metricsUrl ? { metricsUrl: deployment.metricsUrl } : {}), logFile, pids, stop: () => deployment.stop() };
}
