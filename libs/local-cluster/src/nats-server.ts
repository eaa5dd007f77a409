import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderNatsServerConfig, serverSecurity, type BusDeployment, type ExtraPermissions, type NatsServerConfig } from '@flotilla/bus-security';
import { directly, type CommandWrapper } from './command-wrapper';
import { ownChildProcess } from './owned-processes';

/** Where Debian puts the binary; PATH may not include /usr/sbin for non-root shells. */
const CANDIDATES = ['nats-server', '/usr/sbin/nats-server', '/usr/bin/nats-server', '/usr/local/bin/nats-server'];

export function findNatsServer(): string | undefined {
  for (const candidate of CANDIDATES) {
    const probe = spawnSync(candidate, ['--version'], { stdio: 'ignore' });
    if (probe.status === 0) return candidate;
  }
  return undefined;
}

export interface NatsServerProcess {
  readonly url: string;
  readonly port: number;
  readonly child: ChildProcess;
  /** nats-server's HTTP monitoring endpoint (`/varz`: message counts), when one was asked for. */
  readonly monitorUrl?: string;
}

/** A secured bus: TLS with the deployment's certificate, and only its identities, each with its permissions. */
export interface NatsServerSecurity {
  readonly deployment: BusDeployment;
  /** Permissions a feature adds to identities (JetStream's API, say). */
  readonly extraPermissions?: ExtraPermissions;
}

/**
 * Starts a private nats-server on `port` of 127.0.0.1 (`renderNatsServerConfig`: max_payload
 * raised to 8 MiB; tensors past the limit are refused with a clear error by the gateway and
 * executors, never dropped). JetStream is on, for the model store, keeping its data in
 * `jetStreamDir` (default: a folder of its own), so that a server restarted on the same folder
 * finds the files stored before. With `security`, clients must speak TLS and be one of the
 * deployment's identities, and each may use only its own subjects.
 */
export async function startNatsServer(port: number, log: (line: string) => void, monitorPort?: number, jetStreamDir?: string, security?: NatsServerSecurity): Promise<NatsServerProcess> {
  requireNatsServer();
  // Checked first: a server already on the port would answer our readiness probe in place of ours.
  if (await canConnect(port)) throw new Error(`port ${port} is already in use: pick another with --nats-port`);
  // A folder made here is this server's alone, and goes with it; one the caller gave outlives it.
  const ownJetStreamDir = jetStreamDir === undefined ? mkdtempSync(join(tmpdir(), 'flotilla-jetstream-')) : undefined;
  const config: NatsServerConfig = {
    listen: `127.0.0.1:${port}`,
    jetStreamDir: jetStreamDir ?? ownJetStreamDir!,
    ...(monitorPort === undefined ? {} : { monitor: `127.0.0.1:${monitorPort}` }),
    ...(security ? serverSecurity(security.deployment, security.extraPermissions) : {}),
  };
  const child = spawnNatsServer(config, directly, log, ownJetStreamDir ? [ownJetStreamDir] : []);
  await waitForPort(port, 10_000, () => child.exitCode !== null);
  return { url: `nats://127.0.0.1:${port}`, port, child, ...(monitorPort === undefined ? {} : { monitorUrl: `http://127.0.0.1:${monitorPort}` }) };
}

export interface NatsNodeOptions {
  readonly config: NatsServerConfig;
  /** The URL clients use to reach it (from where they run: another host's address, say). */
  readonly url: string;
  /** How to run it, e.g. inside a network namespace. */
  readonly wrap: CommandWrapper;
  readonly log: (line: string) => void;
  readonly readyTimeoutMs?: number;
}

/**
 * Starts a nats-server that may run where this process cannot connect to it (another network
 * namespace), so it is judged ready by its own log line ("Server is ready") instead of a probe.
 */
export async function startNatsNode(options: NatsNodeOptions): Promise<NatsServerProcess> {
  requireNatsServer();
  let ready!: () => void;
  const readyLine = new Promise<void>((resolve) => (ready = resolve));
  const child = spawnNatsServer(options.config, options.wrap, (line) => {
    if (line.includes('Server is ready')) ready();
    options.log(line);
  });
  const timeoutMs = options.readyTimeoutMs ?? 10_000;
  let timer: NodeJS.Timeout | undefined;
  const exited = new Promise<never>((_, reject) => child.once('exit', (code, signal) => reject(new Error(`nats-server (${options.config.listen}) exited with ${signal ?? code} while starting`))));
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`nats-server (${options.config.listen}) not ready after ${timeoutMs} ms`)), timeoutMs)));
  exited.catch(() => undefined); // once started, an exit is the caller's to watch (child.once('exit'))
  try {
    await Promise.race([readyLine, exited, late]);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  } finally {
    clearTimeout(timer);
  }
  const port = Number(/:(\d+)$/.exec(options.url)?.[1] ?? 0);
  return { url: options.url, port, child };
}

function requireNatsServer(): string {
  const binary = findNatsServer();
  if (!binary) throw new Error("nats-server is not installed: run 'npm start' as root to install Debian's nats-server, or 'apt-get install nats-server'");
  return binary;
}

/** Starts nats-server on a config file of its own; that file's folder and `ownedDirs` are removed when it exits. */
function spawnNatsServer(config: NatsServerConfig, wrap: CommandWrapper, log: (line: string) => void, ownedDirs: readonly string[] = []): ChildProcess {
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-nats-'));
  const file = join(dir, 'nats.conf');
  // Only this user may read it: with a secured bus it names every identity's permissions.
  writeFileSync(file, renderNatsServerConfig(config), { mode: 0o600 });
  // One Go scheduler thread unless the caller chose otherwise. At Flotilla's message rates one
  // thread is far from busy, and with more, each message hops between OS threads: measured at
  // matmul_chain c=4 on 2 cores, GOMAXPROCS=1 cut nats-server's wake-ups per request from ~18 to
  // ~10 and its CPU per request by 30 %, CPU the model's own threads get back.
  const env = { ...process.env, GOMAXPROCS: process.env.GOMAXPROCS ?? '1' };
  // Its own process group: Ctrl-C in a terminal signals the launcher's whole group, and NATS must
  // outlive the services (they stop in a second with the bus up, and wait on a dead one). The
  // cluster stops it last; if this process dies first, it takes the server with it (ownChildProcess).
  const { command, args } = wrap(requireNatsServer(), ['-c', file]);
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env, detached: true });
  // The server reads its file at start (and on a reload, while it runs): it can go when the server does.
  ownChildProcess(child, [dir, ...ownedDirs]);
  child.stdout?.on('data', (chunk: Buffer) => chunk.toString().split('\n').filter(Boolean).forEach(log));
  child.stderr?.on('data', (chunk: Buffer) => chunk.toString().split('\n').filter(Boolean).forEach(log));
  return child;
}

export async function waitForPort(port: number, timeoutMs: number, failed: () => boolean = () => false): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (failed()) throw new Error(`process meant to listen on port ${port} exited`);
    if (await canConnect(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nothing listens on port ${port} after ${timeoutMs} ms`);
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
