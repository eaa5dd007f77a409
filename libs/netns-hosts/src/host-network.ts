import { mkdirSync, rmdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { CommandWrapper } from '@flotilla/local-cluster';
import { deleteNamespace, findIp, ip, requireNamespaceSupport } from './ip-command';
import { checkHostName, DEFAULT_PREFIX, namespaceName, runDir } from './namespace-names';
import { removeStaleNamespaces } from './stale-namespaces';

export interface HostNetworkOptions {
  /** One network namespace per name, in this order (addresses .1, .2, …). */
  readonly hosts: readonly string[];
  /** Namespace and folder names start with it (default `flotilla`). */
  readonly prefix?: string;
  /** The first three octets of the hosts' /24 (default `10.77.0`). It exists only inside the namespaces. */
  readonly subnet?: string;
}

/** One "host": a network namespace with its own address, loopback and `/dev/shm`. */
export interface NetnsHost {
  readonly name: string;
  readonly namespace: string;
  /** Its address on the hosts' bridge, which the other hosts reach it at. */
  readonly address: string;
  /**
   * Its own `/dev/shm` (a folder bind-mounted over /dev/shm for everything started in it):
   * processes on one host share it, processes on two hosts do not, as on real machines.
   */
  readonly shmDir: string;
  /** Runs a command inside this host (`ip netns exec`, with the host's /dev/shm). */
  readonly wrap: CommandWrapper;
}

/**
 * Hosts made of network namespaces on this machine, for tests: one namespace per host, each with
 * a veth pair to one bridge that lives in a namespace of its own, addresses in a private /24, the
 * loopback up and no route out. Nothing is added to the machine's own network namespace, so
 * nothing here can reach or disturb its real network. `destroy()` removes it all; so does the
 * exit of this process, and a later run removes what a crashed one left (`removeStaleNamespaces`).
 *
 * Namespaces share the machine's file system and UTS host name: services are told their host
 * name by flag, and each host gets its own /dev/shm so that nothing passes tensors between hosts
 * through shared memory.
 */
export class HostNetwork {
  private readonly byName = new Map<string, NetnsHost>();
  private destroyed = false;
  private readonly onExit = () => this.destroy();

  private constructor(
    readonly prefix: string,
    /** The namespace of the bridge (the hosts' "switch"). */
    readonly switchNamespace: string,
    /** Per-run folder: each host's /dev/shm and whatever the harness keeps per host. */
    readonly workDir: string,
  ) {}

  /** Builds the hosts; throws NamespacesUnavailableError (say so, fail the test) where it cannot. */
  static create(options: HostNetworkOptions): HostNetwork {
    requireNamespaceSupport();
    const prefix = options.prefix ?? DEFAULT_PREFIX;
    const subnet = options.subnet ?? '10.77.0';
    if (options.hosts.length === 0 || options.hosts.length > 250) throw new Error(`a host network needs 1-250 hosts, got ${options.hosts.length}`);
    for (const host of options.hosts) checkHostName(host);
    if (new Set(options.hosts).size !== options.hosts.length) throw new Error(`host names must be unique: ${options.hosts.join(', ')}`);
    const clash = options.hosts.find((host) => host.startsWith('switch'));
    if (clash) throw new Error(`host name '${clash}': names starting with 'switch' are the bridges' namespaces; name the host otherwise`);
    removeStaleNamespaces(prefix);

    // One folder per network: a process may build several at once (the multi-host test runs two
    // layouts side by side), and a crashed run's are swept by its pid (`runDir`).
    const sequence = ++networksBuilt;
    const workDir = join(runDir(prefix, process.pid), String(sequence));
    const network = new HostNetwork(prefix, namespaceName(prefix, process.pid, `switch-${sequence}`), workDir);
    process.once('exit', network.onExit);
    try {
      mkdirSync(workDir, { recursive: true });
      ip(['netns', 'add', network.switchNamespace]);
      ip(['-n', network.switchNamespace, 'link', 'add', 'br0', 'type', 'bridge']);
      ip(['-n', network.switchNamespace, 'link', 'set', 'lo', 'up']);
      ip(['-n', network.switchNamespace, 'link', 'set', 'br0', 'up']);
      options.hosts.forEach((name, index) => network.addHost(name, `${subnet}.${index + 1}`, index));
    } catch (error) {
      network.destroy();
      throw error;
    }
    return network;
  }

  host(name: string): NetnsHost {
    const host = this.byName.get(name);
    if (!host) throw new Error(`no host '${name}' (have: ${[...this.byName.keys()].join(', ')})`);
    return host;
  }

  get hosts(): NetnsHost[] {
    return [...this.byName.values()];
  }

  /** Unplugs a host's cable: its link to the bridge goes down, whatever runs on it keeps running. */
  disconnect(name: string): void {
    ip(['-n', this.switchNamespace, 'link', 'set', switchPort(this.indexOf(name)), 'down']);
  }

  /** Plugs it back in. */
  reconnect(name: string): void {
    ip(['-n', this.switchNamespace, 'link', 'set', switchPort(this.indexOf(name)), 'up']);
  }

  /**
   * Kills whatever still runs in the hosts (the harness stops its services first; this is for
   * what it could not), deletes every namespace — which removes their interfaces and addresses —
   * and the per-run folder. Synchronous, so it also runs in an exit handler. Idempotent.
   */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    process.removeListener('exit', this.onExit);
    for (const namespace of [...[...this.byName.values()].map((host) => host.namespace), this.switchNamespace]) deleteNamespace(namespace);
    rmSync(this.workDir, { recursive: true, force: true });
    try {
      rmdirSync(dirname(this.workDir)); // the run's folder, once its last network is gone
    } catch {
      // another network of this run still uses it
    }
  }

  private addHost(name: string, address: string, index: number): void {
    const namespace = namespaceName(this.prefix, process.pid, name);
    const shmDir = join(this.workDir, name, 'shm');
    mkdirSync(shmDir, { recursive: true });
    const ipPath = findIp();
    const host: NetnsHost = {
      name,
      namespace,
      address,
      shmDir,
      // `ip netns exec` gives the command a mount namespace of its own (to remount /sys), so the
      // bind mount over /dev/shm is seen by that command only and never by the machine. Both it
      // and sh exec the command: the spawned pid is the service's own.
      wrap: (command, args) => ({ command: ipPath, args: ['netns', 'exec', namespace, 'sh', '-c', 'mount --bind "$0" /dev/shm && exec "$@"', shmDir, command, ...args] }),
    };
    this.byName.set(name, host);
    ip(['netns', 'add', namespace]);
    ip(['-n', namespace, 'link', 'set', 'lo', 'up']);
    // Both ends are created where they live: nothing passes through the machine's own namespace.
    ip(['-n', namespace, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', switchPort(index), 'netns', this.switchNamespace]);
    ip(['-n', namespace, 'addr', 'add', `${address}/24`, 'dev', 'eth0']);
    ip(['-n', namespace, 'link', 'set', 'eth0', 'up']);
    ip(['-n', this.switchNamespace, 'link', 'set', switchPort(index), 'master', 'br0']);
    ip(['-n', this.switchNamespace, 'link', 'set', switchPort(index), 'up']);
    // No default route: the /24 is all a host can reach.
  }

  private indexOf(name: string): number {
    const index = [...this.byName.keys()].indexOf(name);
    if (index < 0) throw new Error(`no host '${name}' (have: ${[...this.byName.keys()].join(', ')})`);
    return index;
  }
}

const switchPort = (index: number) => `port${index}`;

let networksBuilt = 0;
