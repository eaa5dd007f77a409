import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import type { NetnsHost } from './host-network';

/**
 * The relay that runs inside the host: a Unix socket (a file, so it is reachable from every
 * network namespace) piped to a TCP port on the host's loopback.
 */
const RELAY = `
const net = require('node:net');
const [socketPath, port] = process.argv.slice(1);
try { require('node:fs').unlinkSync(socketPath); } catch {}
net.createServer((outer) => {
  const inner = net.connect(Number(port), '127.0.0.1');
  outer.setNoDelay(true); inner.setNoDelay(true);
  outer.pipe(inner).pipe(outer);
  outer.on('error', () => inner.destroy()); inner.on('error', () => outer.destroy());
  outer.on('close', () => inner.destroy()); inner.on('close', () => outer.destroy());
}).listen(socketPath, () => console.log('relay ready'));
`;

/** A port of this process' own network that leads to a port inside a host. */
export interface PortForward {
  /** On 127.0.0.1 of this process' network namespace. */
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Makes `port` on a host's loopback reachable from this process — which runs in the machine's
 * namespace, where no host's address is routed (the hosts' bridge is in a namespace of its own)
 * — through a Unix socket: this process listens on TCP and hands each connection to the relay
 * inside the host. Used for the gateway's HTTP port, as a load balancer in front of a host would.
 */
export async function forwardIntoHost(host: NetnsHost, port: number, socketDir: string): Promise<PortForward> {
  const socketPath = join(socketDir, `forward-${port}.sock`);
  rmSync(socketPath, { force: true });
  const { command, args } = host.wrap(process.execPath, ['-e', RELAY, socketPath, String(port)]);
  const relay = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const stderr: string[] = [];
  relay.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  await waitForRelay(relay, socketPath, stderr);

  const sockets = new Set<Socket>();
  const server = createServer((outer) => {
    const inner = connect(socketPath);
    for (const socket of [outer, inner]) {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
    }
    outer.setNoDelay(true);
    outer.pipe(inner).pipe(outer);
    outer.on('error', () => inner.destroy());
    inner.on('error', () => outer.destroy());
    outer.on('close', () => inner.destroy());
    inner.on('close', () => outer.destroy());
  });
  const localPort = await listen(server);
  return {
    port: localPort,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
      relay.kill('SIGKILL');
      rmSync(socketPath, { force: true });
    },
  };
}

async function waitForRelay(relay: ChildProcess, socketPath: string, stderr: string[]): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!existsSync(socketPath)) {
    if (relay.exitCode !== null || relay.signalCode !== null) throw new Error(`the port relay exited (${relay.exitCode ?? relay.signalCode}): ${stderr.join('').trim()}`);
    if (Date.now() > deadline) {
      relay.kill('SIGKILL');
      throw new Error(`the port relay did not listen on ${socketPath} within 10 s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
  });
}
