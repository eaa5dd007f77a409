import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clientCredentials, clientFlags, createBusDeployment, removeBusDeployment, type BusDeployment, type BusIdentity } from '@flotilla/bus-security';
import type { BusCredentials } from '@flotilla/transport';
import { waitUntilReady } from './wait-ready';
import { startNatsServer, type NatsServerProcess, type NatsServerSecurity } from './nats-server';
import { startupReport, type IndexRow, type StartupReport } from './startup-report';
import { ServiceProcess, type AppName } from './service-process';

export interface ExecutorSpec {
  /** `cpu` or `gpu:N`. */
  readonly device: string;
  /** Stand in for a GPU on the CPU execution provider. */
  readonly simulate?: boolean;
  readonly extraFlags?: readonly string[];
}

export interface ClusterOptions {
  readonly modelRepository: string;
  readonly httpPort: number;
  readonly natsPort: number;
  /** nats-server's HTTP monitoring port (benchmarks count messages with it); none by default. */
  readonly natsMonitorPort?: number;
  readonly httpAddress?: string;
  /** The gateway's gRPC port (binding the HTTP address); without one the gateway serves no gRPC. */
  readonly grpcPort?: number;
  /** The gateway's Prometheus /metrics port (binding the HTTP address); without one it serves no metrics. */
  readonly metricsPort?: number;
  /** More gateway flags, e.g. its gRPC message limits. */
  readonly gatewayFlags?: readonly string[];
  readonly executors?: readonly ExecutorSpec[];
  /**
   * The GPU ids the deployment provides, told to the model repository so that its first load
   * places instance groups right; defaults to the gpu:N executors in `executors`.
   */
  readonly gpus?: readonly number[];
  /**
   * How many scheduler processes to run (default 1): services `scheduler`, `scheduler:2`, … Each
   * model is served by one of them (its owner: docs/deployment.md, "Several schedulers").
   */
  readonly schedulers?: number;
  readonly rateLimit?: string;
  /** `--rate-limit-resource` values, given to the rate limiter and the model repository (which validates at load). */
  readonly rateLimitResources?: readonly string[];
  readonly inferTimeoutMs?: number;
  readonly strictReadiness?: boolean;
  /** Model-repository flags: --model-control-mode, --load-model, --repository-poll-secs. */
  readonly repositoryFlags?: readonly string[];
  /**
   * Authentication and TLS on the bus (default on): fresh credentials and certificates for this
   * deployment (`createBusDeployment`), each service connecting as its own identity with its own
   * subject permissions. Off: an open bus without TLS, as before.
   */
  readonly busSecurity?: boolean;
  /** Extra environment for every service (OTEL_* for instance). */
  readonly env?: NodeJS.ProcessEnv;
  readonly log?: (service: string, line: string) => void;
  /** Called as each piece starts, for progress display. */
  readonly progress?: (step: string) => void;
}

/**
 * A whole Flotilla deployment on this machine: a private nats-server and each service as its own
 * process. The launcher (`npm start`) and the end-to-end tests both use it; tests also kill and
 * restart single services through it.
 */
export class FlotillaCluster {
  private readonly services = new Map<string, ServiceProcess>();

  private constructor(
    private readonly options: ClusterOptions,
    private nats: NatsServerProcess,
    /** JetStream's data (the model store), kept across NATS restarts and removed when the deployment stops. */
    private readonly jetStreamDir: string,
    private readonly security: NatsServerSecurity | undefined,
  ) {}

  static async start(options: ClusterOptions): Promise<FlotillaCluster> {
    const log = options.log ?? (() => undefined);
    // Made fresh on every start: a process left from another deployment holds keys this bus has never heard of.
    const security = options.busSecurity === false ? undefined : { deployment: createBusDeployment() };
    options.progress?.(`nats-server on port ${options.natsPort}${security ? ' (TLS, one identity per service)' : ''}`);
    const jetStreamDir = mkdtempSync(join(tmpdir(), 'flotilla-jetstream-'));
    let nats: NatsServerProcess;
    try {
      nats = await startNatsServer(options.natsPort, (line) => log('nats', line), options.natsMonitorPort, jetStreamDir, security);
    } catch (error) {
      rmSync(jetStreamDir, { recursive: true, force: true });
      if (security) removeBusDeployment(security.deployment);
      throw error;
    }
    const cluster = new FlotillaCluster(options, nats, jetStreamDir, security);
    try {
      for (const name of ['model-repository', 'rate-limiter'] as const) cluster.startService(name);
      for (let n = 1; n <= (options.schedulers ?? 1); n++) cluster.startScheduler(n);
      for (const executor of options.executors ?? [{ device: 'cpu' }]) cluster.startExecutor(executor);
      cluster.startService('gateway');
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  get url(): string {
    return `http://127.0.0.1:${this.options.httpPort}`;
  }

  /** host:port of the gRPC API, when the cluster serves one. */
  get grpcAddress(): string | undefined {
    return this.options.grpcPort === undefined ? undefined : `127.0.0.1:${this.options.grpcPort}`;
  }

  /** The gateway's Prometheus endpoint, when the cluster serves one. */
  get metricsUrl(): string | undefined {
    return this.options.metricsPort === undefined ? undefined : `http://127.0.0.1:${this.options.metricsPort}/metrics`;
  }

  /** nats-server's monitoring endpoint, with `natsMonitorPort`. */
  get natsMonitorUrl(): string | undefined {
    return this.nats.monitorUrl;
  }

  get natsUrl(): string {
    return this.nats.url;
  }

  /** The deployment's bus credentials and certificates (undefined with `busSecurity: false`). */
  get bus(): BusDeployment | undefined {
    return this.security?.deployment;
  }

  /** Credentials to connect to this deployment's bus as `identity` from this process (a test's own client; `admin` may do anything). */
  busCredentials(identity: BusIdentity): BusCredentials | undefined {
    return this.security ? clientCredentials(this.security.deployment, identity) : undefined;
  }

  /** The flags a process connects with as `identity` (`--nats-url` and, when secured, its credentials). */
  busFlags(identity: BusIdentity): string[] {
    return ['--nats-url', this.nats.url, ...(this.security ? clientFlags(this.security.deployment, identity) : [])];
  }

  /** The running process of a service: `gateway`, `scheduler`, … or `executor:<device>`. */
  service(name: string): ServiceProcess {
    const service = this.services.get(name);
    if (!service) throw new Error(`no service '${name}' in this cluster (have: ${[...this.services.keys()].join(', ')})`);
    return service;
  }

  serviceNames(): string[] {
    return [...this.services.keys()];
  }

  startService(app: Exclude<AppName, 'executor'>): ServiceProcess {
    return this.launch(app, app, this.flagsFor(app));
  }

  /** The n-th scheduler (from 1): named `scheduler`, then `scheduler:2`, `scheduler:3`, … */
  startScheduler(n = 1): ServiceProcess {
    if (!Number.isInteger(n) || n < 1) throw new Error(`a scheduler's number counts from 1, got ${n}`);
    return this.launch(n === 1 ? 'scheduler' : `scheduler:${n}`, 'scheduler', this.flagsFor('scheduler'));
  }

  startExecutor(spec: ExecutorSpec): ServiceProcess {
    return this.launch(`executor:${spec.device}`, 'executor', [...executorFlags(spec, this.nats.url), ...this.credentialFlags('executor')]);
  }

  /** Polls `/v2/health/ready` until it answers 200. */
  waitReady(timeoutMs = 60_000, path = '/v2/health/ready'): Promise<void> {
    return waitUntilReady(`${this.url}${path}`, this.services, { timeoutMs, pollMs: 100, what: `Flotilla (${path})` });
  }

  /**
   * Waits until no model is loading any more (each load ends READY or failed: the repository
   * bounds it), then says where every model stands. Never silent: every `reportEveryMs` while it
   * waits, `waiting` hears what for — the gateway, the repository, or the models still loading.
   */
  async waitForModels(options: { timeoutMs?: number; reportEveryMs?: number; waiting?: (what: string) => void } = {}): Promise<StartupReport> {
    const deadline = Date.now() + (options.timeoutMs ?? 600_000);
    const every = options.reportEveryMs ?? 5000;
    let nextReport = Date.now() + every;
    let what = 'the gateway';
    while (Date.now() < deadline) {
      for (const [name, service] of this.services) {
        if (!service.running) throw new Error(`${name} exited with code ${service.child.exitCode} while starting`);
      }
      try {
        const response = await fetch(`${this.url}/v2/repository/index`, { method: 'POST' });
        const body = (await response.json()) as IndexRow[] | { error: string };
        if (!Array.isArray(body)) {
          what = `the model repository (${body.error})`;
        } else {
          const report = startupReport(body);
          if (report.loading.length === 0) return report;
          what = `models still loading: ${report.loading.join(', ')}`;
        }
      } catch (error) {
        what = `the gateway (${(error as Error).message})`;
      }
      if (Date.now() >= nextReport) {
        options.waiting?.(what);
        nextReport = Date.now() + every;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`models were still not loaded after ${options.timeoutMs ?? 600_000} ms: waiting for ${what}`);
  }

  /**
   * Stops the gateway first (no new work arrives), then every other service at once, then NATS —
   * last, so services stopping can still drain, answer and announce over it.
   */
  async stop(): Promise<void> {
    const services = [...this.services.values()];
    const gateways = services.filter((service) => service.app === 'gateway');
    await Promise.all(gateways.map((service) => service.stop()));
    await Promise.all(services.filter((service) => service.app !== 'gateway').map((service) => service.stop()));
    this.services.clear();
    if (this.nats.child.exitCode === null && this.nats.child.signalCode === null) {
      this.nats.child.kill('SIGTERM');
      await new Promise((resolve) => this.nats.child.once('exit', resolve));
    }
    rmSync(this.jetStreamDir, { recursive: true, force: true });
    if (this.security) removeBusDeployment(this.security.deployment);
  }

  /** The deployment's nats-server process (tests stop it to see what services do without a bus). */
  get natsServer(): NatsServerProcess {
    return this.nats;
  }

  /** Kills nats-server outright (SIGKILL: no goodbye to its clients) and waits until it is gone. */
  async killNats(): Promise<void> {
    const child = this.nats.child;
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
  }

  /** Starts nats-server again on the same port (after killNats); services reconnect by themselves. */
  async restartNats(): Promise<void> {
    const log = this.options.log ?? (() => undefined);
    this.nats = await startNatsServer(this.options.natsPort, (line) => log('nats', line), this.options.natsMonitorPort, this.jetStreamDir, this.security);
  }

  /** Starts a service that stopped or died again, with the same flags; returns the new process. */
  restart(name: string): ServiceProcess {
    const service = this.service(name);
    return this.launch(name, service.app, service.args);
  }

  /** Kills every service and NATS at once (a second Ctrl-C), without waiting for anything; the deployment's keys go too. */
  killAll(): void {
    for (const service of this.services.values()) void service.kill('SIGKILL');
    this.nats.child.kill('SIGKILL');
    if (this.security) removeBusDeployment(this.security.deployment);
  }

  private launch(name: string, app: AppName, args: readonly string[]): ServiceProcess {
    const existing = this.services.get(name);
    if (existing?.running) throw new Error(`${name} is already running`);
    this.options.progress?.(name);
    const env = { ...process.env, ...this.options.env };
    const service = new ServiceProcess(name, app, args, env, this.options.log ?? (() => undefined));
    this.services.set(name, service);
    return service;
  }

  /** The identity's credential flags on this deployment's bus (none on an open bus). */
  private credentialFlags(identity: BusIdentity): string[] {
    return this.security ? clientFlags(this.security.deployment, identity) : [];
  }

  private flagsFor(app: Exclude<AppName, 'executor'>): string[] {
    return [...serviceFlags(app, this.options, this.nats.url), ...this.credentialFlags(app)];
  }
}

/** The flags of an executor for `spec`: its device, whether it stands in for a GPU, and its extra flags. */
export function executorFlags(spec: ExecutorSpec, natsUrl: string): string[] {
  return ['--nats-url', natsUrl, '--device', spec.device, ...(spec.simulate ? ['--simulate-gpu', 'true'] : []), ...(spec.extraFlags ?? [])];
}

/**
 * The flags a service other than an executor starts with in a deployment with these options,
 * connecting to `natsUrl` (one server, or a cluster's nodes comma-separated). Shared by the
 * one-machine cluster and deployments that spread services over hosts.
 */
export function serviceFlags(app: Exclude<AppName, 'executor'>, o: Omit<ClusterOptions, 'natsPort'>, natsUrl: string): string[] {
  const common = ['--nats-url', natsUrl];
  const rateLimitFlags = ['--rate-limit', o.rateLimit ?? 'off', ...(o.rateLimitResources ?? []).flatMap((resource) => ['--rate-limit-resource', resource])];
  switch (app) {
    case 'model-repository':
      return [...common, '--model-repository', o.modelRepository, '--gpus', gpusOf(o).join(',') || 'none', ...rateLimitFlags, ...(o.repositoryFlags ?? [])];
    case 'rate-limiter':
      return [...common, ...rateLimitFlags];
    case 'scheduler':
      return [...common, '--rate-limit', o.rateLimit ?? 'off'];
    case 'gateway':
      return [
        ...common,
        '--http-port', String(o.httpPort),
        '--http-address', o.httpAddress ?? '0.0.0.0',
        '--infer-timeout-ms', String(o.inferTimeoutMs ?? 60_000),
        '--strict-readiness', String(o.strictReadiness ?? true),
        ...(o.grpcPort === undefined ? ['--allow-grpc', 'false'] : ['--grpc-port', String(o.grpcPort), '--grpc-address', o.httpAddress ?? '0.0.0.0']),
        ...(o.metricsPort === undefined ? ['--allow-metrics', 'false'] : ['--metrics-port', String(o.metricsPort), '--metrics-address', o.httpAddress ?? '0.0.0.0']),
        ...(o.gatewayFlags ?? []),
      ];
  }
}

function gpusOf(o: Pick<ClusterOptions, 'gpus' | 'executors'>): number[] {
  if (o.gpus) return [...o.gpus];
  const devices = (o.executors ?? []).map((executor) => /^gpu:(\d+)$/.exec(executor.device)?.[1]);
  return devices.filter((id): id is string => id !== undefined).map(Number);
}
