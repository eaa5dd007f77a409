import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderNatsServerConfig, serverUsers, type BusDeployment, type ExtraPermissions } from '@flotilla/bus-security';

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
 * Starts a private nats-server on `port`. Its config raises max_payload to 8 MiB (the default
 * 1 MiB would refuse a 1 MiB tensor once framed); tensors past the limit are refused with a
 * clear error by the gateway and executors, never dropped. With `security`, clients must speak
 * TLS and be one of the deployment's identities, and each may use only its own subjects.
 */
export async function startNatsServer(port: number, log: (line: string) => void, monitorPort?: number, security?: NatsServerSecurity): Promise<NatsServerProcess> {
  const binary = findNatsServer();
  if (!binary) throw new Error("nats-server is not installed: run 'npm start' as root to install Debian's nats-server, or 'apt-get install nats-server'");
  // Checked first: a server already on the port would answer our readiness probe in place of ours.
  if (await canConnect(port)) throw new Error(`port ${port} is already in use: pick another with --nats-port`);
  const dir = security?.deployment.dir ?? mkdtempSync(join(tmpdir(), 'flotilla-nats-'));
  const config = join(dir, `nats-${port}.conf`);
  const { deployment, extraPermissions } = security ?? {};
  const text = renderNatsServerConfig({
    listen: `127.0.0.1:${port}`,
    ...(monitorPort === undefined ? {} : { monitor: `127.0.0.1:${monitorPort}` }),
    ...(deployment ? { tls: { certFile: deployment.server.certFile, keyFile: deployment.server.keyFile, caFile: deployment.ca.certFile }, users: serverUsers(deployment, extraPermissions) } : {}),
  });
  writeFileSync(config, text, { mode: 0o600 });
  // One Go scheduler thread unless the caller chose otherwise. At Flotilla's message rates one
  // thread is far from busy, and with more, each message hops between OS threads: measured at
  // matmul_chain c=4 on 2 cores, GOMAXPROCS=1 cut nats-server's wake-ups per request from ~18 to
  // ~10 and its CPU per request by 30 %, CPU the model's own threads get back.
  const env = { ...process.env, GOMAXPROCS: process.env.GOMAXPROCS ?? '1' };
  // Its own process group: Ctrl-C in a terminal signals the launcher's whole group, and NATS must
  // outlive the services (they stop in a second with the bus up, and wait on a dead one). The
  // cluster stops it last; if this process dies first, it takes the server with it (below).
  const child = spawn(binary, ['-c', config], { stdio: ['ignore', 'pipe', 'pipe'], env, detached: true });
  ownedServers.add(child);
  child.once('exit', () => ownedServers.delete(child));
  child.stdout?.on('data', (chunk: Buffer) => chunk.toString().split('\n').filter(Boolean).forEach(log));
  child.stderr?.on('data', (chunk: Buffer) => chunk.toString().split('\n').filter(Boolean).forEach(log));
  await waitForPort(port, 10_000, () => child.exitCode !== null);
  return { url: `nats://127.0.0.1:${port}`, port, child, ...(monitorPort === undefined ? {} : { monitorUrl: `http://127.0.0.1:${monitorPort}` }) };
}

/** nats-servers this process started: killed when it exits, however it exits (their groups are their own). */
const ownedServers = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of ownedServers) child.kill('SIGKILL');
});

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
