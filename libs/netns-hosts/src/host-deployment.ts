import { join } from 'node:path';
import { clientFlags, createBusDeployment, serverSecurity, serverTls, type BusDeployment, type BusIdentity } from '@flotilla/bus-security';
import {
  executorFlags,
  serviceFlags,
  ServiceProcess,
  startNatsNode,
  waitUntilReady,
  type AppName,
  type ClusterOptions,
  type ExecutorSpec,
  type NatsServerProcess,
} from '@flotilla/local-cluster';
import { HostNetwork, type NetnsHost } from './host-network';
import { forwardIntoHost, type PortForward } from './port-forward';

export type HostService = Exclude<AppName, 'executor'>;

/** What runs on one host. Every host also runs one node of the deployment's NATS cluster. */
export interface HostPlan {
  readonly name: string;
  /** Services other than executors; `scheduler` may be on several hosts. */
  readonly services?: readonly HostService[];
  readonly executors?: readonly ExecutorSpec[];
}

export interface HostDeploymentOptions extends Omit<ClusterOptions, 'natsPort' | 'httpPort' | 'httpAddress' | 'grpcPort' | 'metricsPort' | 'executors' | 'progress' | 'natsMonitorPort'> {
  readonly hosts: readonly HostPlan[];
  /** Namespace prefix (default `flotilla`). */
  readonly prefix?: string;
  /** nats-server's max_payload on every node (default 8MB). */
  readonly maxPayload?: string;
  /**
   * Default true: TLS between clients and nodes and between nodes (one certificate for every
   * host's address), each service its own identity with its permissions, routes authenticated —
   * credentials made for this deployment alone (libs/bus-security).
   */
  readonly busSecurity?: boolean;
}

/** Ports inside each host: every namespace has its own, so they are the same on every host. */
export const HOST_PORTS = { nats: 4222, natsRoutes: 6222, http: 8000 } as const;

/**
 * A Flotilla deployment spread over hosts made of network namespaces (`HostNetwork`): one
 * nats-server per host, joined into one cluster by routes, and each service on the host its plan
 * names, connected to its own host's node first and to every other node as fallbacks. Tests take
 * pieces away — a service, a host's NATS node, a host's network link — and put them back.
 */
export class HostDeployment {
  private readonly nats = new Map<string, NatsServerProcess>();
  private readonly services = new Map<string, ServiceProcess>();
  private forward?: PortForward;
  /** The deployment's credentials and TLS material; absent on an open bus. */
  readonly bus: BusDeployment | undefined;

  private constructor(
    private readonly options: HostDeploymentOptions,
    readonly network: HostNetwork,
  ) {
    this.bus = options.busSecurity === false ? undefined : createBusDeployment({ dir: join(network.workDir, 'bus'), hosts: network.hosts.map((host) => host.address) });
  }

  static async start(options: HostDeploymentOptions): Promise<HostDeployment> {
    const gateways = options.hosts.filter((plan) => plan.services?.includes('gateway'));
    if (gateways.length !== 1) throw new Error(`a host deployment needs exactly one gateway host, got ${gateways.length}`);
    const network = HostNetwork.create({ hosts: options.hosts.map((plan) => plan.name), prefix: options.prefix });
    const deployment = new HostDeployment(options, network);
    try {
      await Promise.all(options.hosts.map((plan) => deployment.startNats(plan.name)));
      for (const plan of options.hosts) deployment.startHostServices(plan.name);
      deployment.forward = await forwardIntoHost(network.host(gateways[0].name), HOST_PORTS.http, network.workDir);
    } catch (error) {
      await deployment.stop();
      throw error;
    }
    return deployment;
  }

  /** The gateway's HTTP API, reachable from this process. */
  get url(): string {
    if (!this.forward) throw new Error('the deployment has no gateway port yet');
    return `http://127.0.0.1:${this.forward.port}`;
  }

  host(name: string): NetnsHost {
    return this.network.host(name);
  }

  /** `nats://<address>:4222` of every host, this host's first: what its services get as --nats-url. */
  natsUrlFor(hostName: string): string {
    const own = this.network.host(hostName);
    return [own, ...this.network.hosts.filter((host) => host !== own)].map((host) => `nats://${host.address}:${HOST_PORTS.nats}`).join(',');
  }

  /** A running service: `<host>/<app>`, executors `<host>/executor:<device>`. */
  service(name: string): ServiceProcess {
    const service = this.services.get(name);
    if (!service) throw new Error(`no service '${name}' (have: ${[...this.services.keys()].join(', ')})`);
    return service;
  }

  serviceNames(): string[] {
    return [...this.services.keys()];
  }

  natsNode(hostName: string): NatsServerProcess {
    const node = this.nats.get(hostName);
    if (!node) throw new Error(`no NATS node on host '${hostName}'`);
    return node;
  }

  /** Starts (or restarts) the host's NATS node: it joins the cluster through its routes. */
  async startNats(hostName: string): Promise<NatsServerProcess> {
    const host = this.network.host(hostName);
    const log = this.options.log ?? (() => undefined);
    const node = await startNatsNode({
      config: {
        listen: `0.0.0.0:${HOST_PORTS.nats}`,
        ...(this.options.maxPayload ? { maxPayload: this.options.maxPayload } : {}),
        // One host is no cluster: a clustered JetStream on a single node would wait for peers forever.
        ...(this.network.hosts.length > 1
          ? {
              cluster: {
                name: 'flotilla',
                listen: `0.0.0.0:${HOST_PORTS.natsRoutes}`,
                routes: this.network.hosts.map((other) => `${other.address}:${HOST_PORTS.natsRoutes}`),
                ...(this.bus ? { routeUser: this.bus.routeUser, tls: serverTls(this.bus) } : {}),
              },
            }
          : {}),
        ...(this.bus ? serverSecurity(this.bus) : {}),
        // JetStream on every node (the model store), each named, as a clustered JetStream needs;
        // its folder outlives a node's restart, so the node finds what it stored.
        serverName: hostName,
        jetStreamDir: join(this.network.workDir, 'jetstream', hostName),
      },
      url: `nats://${host.address}:${HOST_PORTS.nats}`,
      wrap: host.wrap,
      log: (line) => log(`${hostName}/nats`, line),
    });
    this.nats.set(hostName, node);
    return node;
  }

  /** Kills the host's NATS node outright (SIGKILL: its clients see their connections drop). */
  async killNats(hostName: string): Promise<void> {
    const child = this.natsNode(hostName).child;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  /** Starts what the host's plan runs (services, then executors); a running one is an error. */
  startHostServices(hostName: string): ServiceProcess[] {
    const plan = this.plan(hostName);
    const started = (plan.services ?? []).map((app) =>
      this.launch(`${hostName}/${app}`, app, [...serviceFlags(app, this.clusterOptions(), this.natsUrlFor(hostName)), ...this.credentialFlags(app)], hostName),
    );
    for (const spec of plan.executors ?? []) {
      // Namespaces share the machine's host name: each executor is told its host's.
      const flags = [...executorFlags(spec, this.natsUrlFor(hostName)), '--host-name', hostName, ...this.credentialFlags('executor')];
      started.push(this.launch(`${hostName}/executor:${spec.device}`, 'executor', flags, hostName));
    }
    return started;
  }

  /** Kills every service of the host's plan and its NATS node (a host that dies). */
  async killHost(hostName: string): Promise<void> {
    const mine = [...this.services.entries()].filter(([name]) => name.startsWith(`${hostName}/`));
    await Promise.all(mine.map(([, service]) => service.kill('SIGKILL')));
    await this.killNats(hostName);
  }

  /** Restarts a service that stopped or died, with the same flags, on the same host. */
  restart(name: string): ServiceProcess {
    const service = this.service(name);
    return this.launch(name, service.app, service.args, name.slice(0, name.indexOf('/')));
  }

  /** Polls the gateway's `/v2/health/ready` until it answers 200. */
  waitReady(timeoutMs = 90_000): Promise<void> {
    return waitUntilReady(`${this.url}/v2/health/ready`, this.services, {
      timeoutMs,
      pollMs: 200,
      what: 'the multi-host deployment',
      describe: (response) => response.headers.get('flotilla-not-ready') ?? '',
    });
  }

  /** Stops the gateway, then every other service, then every NATS node, then removes the hosts. */
  async stop(): Promise<void> {
    await this.forward?.close();
    const services = [...this.services.values()];
    await Promise.all(services.filter((service) => service.app === 'gateway').map((service) => service.stop()));
    await Promise.all(services.filter((service) => service.app !== 'gateway').map((service) => service.stop()));
    this.services.clear();
    await Promise.all([...this.nats.keys()].map((host) => this.killNats(host)));
    this.network.destroy();
  }

  private launch(name: string, app: AppName, args: readonly string[], hostName: string): ServiceProcess {
    if (this.services.get(name)?.running) throw new Error(`${name} is already running`);
    const env = { ...process.env, ...this.options.env };
    const service = new ServiceProcess(name, app, args, env, this.options.log ?? (() => undefined), this.network.host(hostName).wrap);
    this.services.set(name, service);
    return service;
  }

  /** The identity's credential flags on this deployment's bus (none on an open bus). */
  credentialFlags(identity: BusIdentity): string[] {
    return this.bus ? clientFlags(this.bus, identity) : [];
  }

  /** Starts one more service on a host, outside its plan (e.g. one given wrong credentials). */
  launchExtra(name: string, app: AppName, args: readonly string[], hostName: string): ServiceProcess {
    return this.launch(`${hostName}/${name}`, app, args, hostName);
  }

  private plan(hostName: string): HostPlan {
    const plan = this.options.hosts.find((candidate) => candidate.name === hostName);
    if (!plan) throw new Error(`no host '${hostName}' in the plan`);
    return plan;
  }

  private clusterOptions(): ClusterOptions {
    const executors = this.options.hosts.flatMap((plan) => plan.executors ?? []);
    return { ...this.options, executors, natsPort: HOST_PORTS.nats, httpPort: HOST_PORTS.http, httpAddress: '0.0.0.0' };
  }
}

