import { Readable } from 'node:stream';
import { deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { readRequestBody } from './read-body';

/** A request body arriving in pieces of at most 64 KiB, as from a socket. */
const stream = (body: Buffer) => Readable.from(Array.from({ length: Math.ceil(body.byteLength / 65536) }, (_, i) => body.subarray(i * 65536, (i + 1) * 65536)));

const payload = Buffer.from(JSON.stringify({ inputs: Array.from({ length: 500 }, (_, i) => ({ name: `I${i}`, data: [i, i + 1] })) }));

describe('readRequestBody', () => {
  it.each([
    ['identity', payload],
    ['gzip', gzipSync(payload)],
    ['deflate', deflateSync(payload)],
    ['deflate', deflateRawSync(payload)],
  ] as const)('reads %s bodies to the same bytes', async (encoding, body) => {
    expect(await readRequestBody(stream(body), { encoding, limit: 1 << 20 })).toEqual(payload);
  });

  it('reads an empty compressed body as empty', async () => {
    expect((await readRequestBody(stream(Buffer.alloc(0)), { encoding: 'gzip', limit: 10 })).byteLength).toBe(0);
  });

  it('refuses a declared or received body over the limit with 413', async () => {
    await expect(readRequestBody(stream(payload), { encoding: 'identity', limit: 100, declaredLength: payload.byteLength })).rejects.toMatchObject({
      status: 413,
      message: expect.stringContaining(`${payload.byteLength} bytes`),
    });
    await expect(readRequestBody(stream(payload), { encoding: 'identity', limit: 100, limitName: '--flag' })).rejects.toMatchObject({
      status: 413,
      message: expect.stringContaining('--flag'),
    });
  });

  it('stops inflating a bomb at the cap: 413, and memory stays near the cap', async () => {
    // 16 gzip members of 64 MiB of zeros each: about 1 MiB that inflates to 1 GiB.
    const member = gzipSync(Buffer.alloc(64 << 20), { level: 9 });
    const bomb = Buffer.concat(Array.from({ length: 16 }, () => member));
    expect(bomb.byteLength).toBeLessThan(2 << 20);
    const before = process.memoryUsage().arrayBuffers;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().arrayBuffers)), 2);
    const started = Date.now();
    const error = await readRequestBody(stream(bomb), { encoding: 'gzip', limit: 4 << 20 }).catch((e: unknown) => e);
    clearInterval(sampler);
    expect(error).toMatchObject({ status: 413, message: expect.stringContaining('inflated request body exceeds the limit of 4194304 bytes') });
    // Inflating it all would have taken 1 GiB and seconds; the cap plus the input is what may be held.
    expect(Math.max(peak, process.memoryUsage().arrayBuffers) - before).toBeLessThan(64 << 20);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('answers corrupt compressed data with a 400 naming the encoding', async () => {
    await expect(readRequestBody(stream(Buffer.from('not gzip at all')), { encoding: 'gzip', limit: 1000 })).rejects.toMatchObject({
      message: expect.stringContaining('not valid gzip data'),
    });
    const error = await readRequestBody(stream(Buffer.from('not gzip at all')), { encoding: 'gzip', limit: 1000 }).catch((e: unknown) => e);
    expect((error as { httpStatus?: number }).httpStatus).toBe(400);
  });
});
