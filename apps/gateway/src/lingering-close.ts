import type { Socket } from 'node:net';

/** How long a refused client may go on sending before its connection is cut. */
const LINGER_MS = 2_000;

/**
 * Closes a connection whose request was refused before its body was read, without losing the
 * answer. Closing a socket with unread input makes the kernel send a reset, and a reset makes the
 * client's kernel discard the answer it had already received: the client sees a dropped
 * connection instead of the 413/414/431. So: send FIN after the answer, read and drop whatever
 * still arrives, and destroy when the client closes its side or after LINGER_MS.
 */
export function lingeringClose(socket: Socket, data?: string): void {
  socket.on('data', () => undefined);
  socket.resume();
  if (data === undefined) socket.end();
  else socket.end(data);
  const timer = setTimeout(() => socket.destroy(), LINGER_MS);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
}

/**
 * Makes Node's HTTP server close this connection lingeringly once the current response is sent
 * (it calls `destroySoon` on a connection that is not kept alive).
 */
export function lingerAfterResponse(socket: Socket): void {
  socket.destroySoon = () => lingeringClose(socket);
}
