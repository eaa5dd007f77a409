import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** Digests are written `sha256:<64 lowercase hex digits>`, as OCI registries write them. */
const DIGEST = /^sha256:([0-9a-f]{64})$/;

export function sha256Digest(hash: Hash): string {
  return `sha256:${hash.digest('hex')}`;
}

export function isDigest(text: string): boolean {
  return DIGEST.test(text);
}

/** The 64 hex digits of a digest; throws on anything else (a digest names a file on disk: it must be exactly this). */
export function digestHex(digest: string): string {
  const match = DIGEST.exec(digest);
  if (!match) throw new Error(`'${digest}' is not a sha256 digest (sha256:<64 hex digits>)`);
  return match[1];
}

/** A file's digest and size, read as a stream (a model file is never held whole in memory). */
export async function digestFile(path: string): Promise<{ digest: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { digest: sha256Digest(hash), size };
}
