import { createServer } from 'node:net';

/**
 * Below Linux's default ephemeral range (32768–60999): the OS never gives these to outgoing
 * connections, so a port found free here is not taken by some client's connect() before the
 * service that was meant to have it binds (an OS-picked port is, now and then, under parallel tests).
 */
const FIRST = 20_000;
const LAST = 32_767;
/** Ports handed out by this process: two clusters of one test run never get the same one. */
const handedOut = new Set<number>();

/** A TCP port that was free a moment ago on every address, for tests and parallel clusters. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = FIRST + Math.floor(Math.random() * (LAST - FIRST + 1));
    if (handedOut.has(port) || !(await canBind(port))) continue;
    handedOut.add(port);
    return port;
  }
  return osPickedPort();
}

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '0.0.0.0', () => server.close(() => resolve(true)));
  });
}

function osPickedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '0.0.0.0', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
