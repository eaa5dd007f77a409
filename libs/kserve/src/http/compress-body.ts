import { promisify } from 'node:util';
import { deflate, gzip } from 'node:zlib';
import type { ResponseEncoding } from './accept-encoding';

const compressors = { gzip: promisify(gzip), deflate: promisify(deflate) };

/**
 * A response body compressed as the client asked, off the event loop (zlib's thread pool). The
 * binary extension's `Inference-Header-Content-Length` keeps counting the uncompressed JSON part:
 * the client inflates first, then splits.
 */
export function compressBody(chunks: readonly Buffer[], encoding: ResponseEncoding): Promise<Buffer> {
  const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
  return compressors[encoding](body);
}
