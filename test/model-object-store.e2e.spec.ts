// The model store's adapter (libs/transport's ModelObjectStore) against a real nats-server with JetStream (Debian's 2.9.10 here). An e2e file, not a spec in libs/transport: it starts nats-server through libs/local-cluster, which depends on libs/transport.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Objm } from '@nats-io/obj';
import { freePort, startNatsServer, type NatsServerProcess } from '@flotilla/local-cluster';
import { MODEL_STORE_CHUNK_BYTES, ModelObjectStore } from '@flotilla/transport';

let nats: NatsServerProcess;
let connection: NatsConnection;
let scratch: string;

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'model-object-store-spec-'));
  nats = await startNatsServer(await freePort(), () => undefined, undefined, join(scratch, 'jetstream'));
  connection = await connect({ servers: nats.url });
});

afterAll(async () => {
  await connection?.close();
  nats?.child.kill('SIGTERM');
  await new Promise((resolve) => nats?.child.once('exit', resolve));
  rmSync(scratch, { recursive: true, force: true });
});

const fileOf = (bytes: Buffer) => {
  const path = join(scratch, `file-${bytes.length}`);
  writeFileSync(path, bytes);
  return { path, file: { path: 'model.onnx', digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}`, size: bytes.length } };
};

async function readAll(chunks: AsyncIterable<Uint8Array>): Promise<{ bytes: Buffer; count: number }> {
  const parts: Uint8Array[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return { bytes: Buffer.concat(parts), count: parts.length };
}

it('stores a file under its digest in chunks, knows it is stored, and gives the same bytes back', async () => {
  const store = await ModelObjectStore.create(connection, 'spec-roundtrip', { replicas: 1 });
  const { path, file } = fileOf(Buffer.alloc(2 * MODEL_STORE_CHUNK_BYTES + 10, 7));
  expect(await store.has(file)).toBe(false);
  await store.put(file, path);
  expect(await store.has(file)).toBe(true);
  expect(await store.has({ ...file, size: file.size + 1 })).toBe(false);
  // The client's own count (internal to nats.js 3.4): the get's subscription must not outlive it.
  const subscriptions = () => (connection as unknown as { protocol: { subscriptions: { size(): number } } }).protocol.subscriptions.size();
  const before = subscriptions();
  const read = await readAll((await store.open(file.digest))!);
  expect(read.bytes.equals(Buffer.alloc(file.size, 7))).toBe(true);
  expect(read.count).toBe(3);
  // Its consumer's subscription went with it: nothing is left to wake an idle executor (the
  // server drops the consumer itself later, having no one to deliver to).
  expect(subscriptions()).toBe(before);
  expect(await store.names()).toEqual([file.digest]);
  await store.delete(file.digest);
  expect(await store.has(file)).toBe(false);
  expect(await store.open(file.digest)).toBeUndefined();
  expect(await store.names()).toEqual([]);
});

it('does not take an object whose content is not its name for the file (the store computed another digest)', async () => {
  const store = await ModelObjectStore.create(connection, 'spec-tampered', { replicas: 1 });
  const { file } = fileOf(Buffer.from('the real model'));
  await (await new Objm(connection).open('spec-tampered')).putBlob({ name: file.digest }, Buffer.from('another model!'));
  expect(await store.has(file)).toBe(false); // same size, another digest
});

it('opens only a bucket that exists, saying who creates it', async () => {
  await expect(ModelObjectStore.open(connection, 'spec-nobody-made-this')).rejects.toThrow(
    "cannot open the model store (JetStream object store 'spec-nobody-made-this'; the model repository creates it when it starts)",
  );
});
