import type { Readable } from 'node:stream';
import { createGunzip, createInflate, createInflateRaw, type Inflate } from 'node:zlib';
import { invalidArg } from '@flotilla/contracts';
import type { BodyEncoding } from './content-encoding';
import { HttpStatusError } from './http-status-error';

export interface ReadBodyOptions {
  readonly encoding: BodyEncoding;
  /** Largest body, in bytes, both as sent and once inflated. */
  readonly limit: number;
  /** The declared Content-Length, when there is one: refused before a byte is read. */
  readonly declaredLength?: number;
  /** Names the setting in the 413 text. */
  readonly limitName?: string;
}

/**
 * Reads a request body into one Buffer, inflating gzip or deflate as it streams in. Both the bytes
 * received and the bytes inflated are capped: at the cap the inflater is destroyed and the rest is
 * discarded unread, so a small body that would inflate to gigabytes costs at most `limit` bytes of
 * memory and a 413. The source is never destroyed, so a response can still be written; the caller
 * should close the connection after it.
 */
export function readRequestBody(source: Readable, options: ReadBodyOptions): Promise<Buffer> {
  const { encoding, limit } = options;
  const setting = options.limitName ? ` (${options.limitName})` : '';
  const tooLarge = (what: string) => new HttpStatusError(413, `${what} exceeds the limit of ${limit} bytes${setting}`);
  if (options.declaredLength !== undefined && options.declaredLength > limit) {
    source.resume();
    return Promise.reject(tooLarge(`request body of ${options.declaredLength} bytes`));
  }
  return new Promise((resolve, reject) => {
    const output = new Collector(limit);
    let received = 0;
    let inflater: Inflate | undefined;
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      inflater?.destroy();
      // Keep the socket readable but stop holding anything: the rest of the body is dropped.
      source.removeListener('data', onData);
      source.resume();
      reject(error);
    };
    const finish = () => {
      if (settled) return;
      settled = true;
      resolve(output.buffer());
    };
    const onData = (chunk: Buffer) => {
      if (settled) return;
      received += chunk.byteLength;
      if (received > limit) return fail(tooLarge('request body'));
      if (encoding === 'identity') {
        output.push(chunk);
        return;
      }
      inflater ??= startInflater(encoding, chunk);
      inflater.write(chunk);
    };
    const startInflater = (kind: 'gzip' | 'deflate', first: Buffer): Inflate => {
      const stream = kind === 'gzip' ? createGunzip() : isZlibHeader(first) ? createInflate() : createInflateRaw();
      stream.on('data', (piece: Buffer) => {
        if (!output.push(piece)) fail(tooLarge('inflated request body'));
      });
      stream.on('end', finish);
      stream.on('error', (error: Error) => fail(invalidArg(`request body is not valid ${kind} data: ${error.message}`)));
      return stream as Inflate;
    };
    source.on('data', onData);
    source.on('end', () => {
      if (settled) return;
      // An empty compressed body inflates to an empty body.
      if (encoding === 'identity' || !inflater) return finish();
      inflater.end();
    });
    source.on('error', fail);
  });
}

/**
 * HTTP's "deflate" is the zlib format (RFC 9110), but some clients send raw deflate; a zlib stream
 * starts with a header whose first two bytes, read as a big-endian number, divide by 31.
 */
function isZlibHeader(chunk: Buffer): boolean {
  return chunk.byteLength >= 2 && (chunk[0] & 0x0f) === 8 && ((chunk[0] << 8) | chunk[1]) % 31 === 0;
}

/** Chunks up to a byte cap; push answers false (and keeps nothing more) once past it. */
class Collector {
  private readonly chunks: Buffer[] = [];
  private size = 0;

  constructor(private readonly limit: number) {}

  push(chunk: Buffer): boolean {
    this.size += chunk.byteLength;
    if (this.size > this.limit) return false;
    this.chunks.push(chunk);
    return true;
  }

  buffer(): Buffer {
    return this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.size);
  }
}
