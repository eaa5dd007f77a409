import { appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FlotillaCluster, freePort, type ClusterOptions } from '@flotilla/local-cluster';

export interface TestFlotilla {
  readonly cluster: FlotillaCluster;
  readonly url: string;
  /** host:port of the gateway's gRPC API. */
  readonly grpcAddress: string;
  /** The gateway's Prometheus endpoint (`http://127.0.0.1:<port>/metrics`); absent with `metricsPort: undefined`. */
  readonly metricsUrl?: string;
  /** Where every service's output goes: read it when a test fails. */
  readonly logFile: string;
  stop(): Promise<void>;
}

/** Starts nats-server and the five services as real processes, on free ports, and waits until ready. */
export async function startFlotilla(options: Partial<ClusterOptions> & { modelRepository: string; name: string }): Promise<TestFlotilla> {
  const logFile = join(tmpdir(), `flotilla-e2e-${options.name}-${process.pid}.log`);
  const cluster = await FlotillaCluster.start({
    httpPort: await freePort(),
    grpcPort: await freePort(),
    metricsPort: await freePort(),
    natsPort: await freePort(),
    httpAddress: '127.0.0.1',
    log: (service, line) => appendFileSync(logFile, `${service.padEnd(16)} ${line}\n`),
    ...options,
  });
  try {
    await cluster.waitReady(60_000);
  } catch (error) {
    await cluster.stop();
    throw new Error(`${(error as Error).message}; service logs: ${logFile}`);
  }
  return { cluster, url: cluster.url, grpcAddress: cluster.grpcAddress!, metricsUrl: cluster.metricsUrl, logFile, stop: () => cluster.stop() };
}

export interface HttpResult {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Buffer;
  json<T = Record<string, unknown>>(): T;
}

export async function http(url: string, init: RequestInit = {}): Promise<HttpResult> {
  const response = await fetch(url, init);
  const body = Buffer.from(await response.arrayBuffer());
  return { status: response.status, headers: response.headers, body, json: <T>() => JSON.parse(body.toString('utf8')) as T };
}

export function postJson(url: string, body: unknown): Promise<HttpResult> {
  return http(url, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'Content-Type': 'application/json' } });
}

export const range = (n: number, from = 0) => Array.from({ length: n }, (_, i) => from + i);

/** A JSON request for `simple`: INPUT0 = a, INPUT1 = b, both [1, 16] FP32. */
export function simpleRequest(a: number[], b: number[], extra: Record<string, unknown> = {}) {
  return {
    ...extra,
    inputs: [
      { name: 'INPUT0', shape: [1, 16], datatype: 'FP32', data: a },
      { name: 'INPUT1', shape: [1, 16], datatype: 'FP32', data: b },
    ],
  };
}

/** A batch-1 JSON request for `matmul_chain` that asks for where and when it ran. */
export function matmulRequest(seed = 1) {
  return {
    parameters: { flotilla_execution_info: true },
    inputs: [{ name: 'INPUT0', shape: [1, 1024], datatype: 'FP32', data: range(1024).map((i) => ((i * seed) % 7) / 7) }],
  };
}
