import type { Server } from 'node:http';

/** Where a listening server is, for its "listening on" log line. */
export function listeningAddress(server: Server): string {
  const address = server.address();
  return typeof address === 'object' && address ? `${address.address}:${address.port}` : String(address);
}

/** Stops taking connections, closes the idle ones now, and resolves once the rest have ended. */
export function closeServer(server: Server | undefined): Promise<void> {
  if (!server) return Promise.resolve();
  return new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}
