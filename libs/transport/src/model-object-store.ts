import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { jetstream, StorageType, type JetStreamClient } from '@nats-io/jetstream';
import { Objm, type ObjectInfo, type ObjectStore } from '@nats-io/obj';
import type { NatsConnection } from '@nats-io/transport-node';
import type { ManifestFile } from '@flotilla/contracts';

/**
 * Chunk size of stored model files: 1 MiB per message (the object store's default is 128 KiB),
 * well under the bus' max_payload. Fewer, larger messages: a 4 MiB model came back in 0.47 s
 * against 1.08 s with 128 KiB chunks (one run on the 2-core development machine under load).
 */
export const MODEL_STORE_CHUNK_BYTES = 1 << 20;

/** Chunks fetched ahead of the one the caller is writing (an ordered consumer's pull batch). */
const CHUNKS_AHEAD = 4;

/** Longest wait for an object's next chunk before its read fails. */
const CHUNK_WAIT_MS = 30_000;

/** The object store's own digest (`SHA-256=<base64url>`) of a `sha256:<hex>` one. */
function storeDigestOf(digest: string): string {
  return Buffer.from(digest.slice('sha256:'.length), 'hex').toString('base64url');
}

/**
 * The model store: a NATS JetStream object store (a stream, `OBJ_<bucket>`, whose messages are
 * the files' chunks) holding model files by content, each under its digest `sha256:<hex>`. The
 * model repository creates the bucket and puts files; executors get them. Only this adapter
 * knows about JetStream; what is stored and when is decided in libs/model-store.
 */
export class ModelObjectStore {
  private constructor(
    private readonly js: JetStreamClient,
    private readonly store: ObjectStore,
    readonly bucket: string,
  ) {}

  /** Where the objects are, for messages. */
  get where(): string {
    return `bucket '${this.bucket}'`;
  }

  /** Opens the bucket, creating it if there is none (the model repository); fails clearly without JetStream. */
  static async create(connection: NatsConnection, bucket: string, options: { readonly replicas: number }): Promise<ModelObjectStore> {
    try {
      const js = jetstream(connection);
      const store = await new Objm(js).create(bucket, { storage: StorageType.File, replicas: options.replicas, description: 'Flotilla model files by sha256 digest' });
      return new ModelObjectStore(js, store, bucket);
    } catch (error) {
      throw new Error(`cannot create the model store (JetStream object store '${bucket}'): ${describe(error)}`);
    }
  }

  /** Opens an existing bucket (executors: the model repository creates it). */
  static async open(connection: NatsConnection, bucket: string): Promise<ModelObjectStore> {
    try {
      const js = jetstream(connection);
      return new ModelObjectStore(js, await new Objm(js).open(bucket), bucket);
    } catch (error) {
      throw new Error(`cannot open the model store (JetStream object store '${bucket}'; the model repository creates it when it starts): ${describe(error)}`);
    }
  }

  /** Whether the file is stored whole: an object of its digest, its size, and the content digest the store computed on put. */
  async has(file: ManifestFile): Promise<boolean> {
    const info = await this.store.info(file.digest);
    return info !== null && !info.deleted && info.size === file.size && sameDigest(info, file.digest);
  }

  /** Stores a file from disk as it is read, in MODEL_STORE_CHUNK_BYTES chunks. */
  async put(file: ManifestFile, path: string): Promise<void> {
    const stream = Readable.toWeb(createReadStream(path, { highWaterMark: MODEL_STORE_CHUNK_BYTES })) as unknown as ReadableStream<Uint8Array>;
    const info = await this.store.put({ name: file.digest, description: file.path, options: { max_chunk_size: MODEL_STORE_CHUNK_BYTES } }, stream);
    if (info.size !== file.size || !sameDigest(info, file.digest)) {
      throw new Error(`${path} changed while it was stored (${info.size} bytes stored, ${file.size} expected)`);
    }
  }

  /**
   * An object's content as the caller takes it, or undefined when there is none. Read with an
   * ordered pull consumer over the object's chunks (`$O.<bucket>.C.<nuid>`, the object store's
   * layout) rather than the client's `get`, whose push consumer queues every chunk as it arrives:
   * here at most CHUNKS_AHEAD chunks wait in memory while the caller writes the others to disk.
   * The digest is the caller's to check (the manifest's), which is what makes a wrong object fail.
   */
  async open(digest: string): Promise<AsyncIterable<Uint8Array> | undefined> {
    const info = await this.store.info(digest);
    if (!info || info.deleted) return undefined;
    if (info.options?.link) throw new Error(`${digest} is a link in ${this.where}; the model store holds no links`);
    if (info.size === 0) return (async function* () {})();
    const consumer = await this.js.consumers.get(`OBJ_${this.bucket}`, { filter_subjects: `$O.${this.bucket}.C.${info.nuid}` });
    const where = this.where;
    return (async function* () {
      const messages = await consumer.consume({ max_messages: CHUNKS_AHEAD });
      // Only the wait for the next chunk is timed, never the caller's own work between chunks.
      let stalled = false;
      const stall = () => {
        stalled = true;
        messages.stop();
      };
      let timer = setTimeout(stall, CHUNK_WAIT_MS);
      try {
        for await (const message of messages) {
          clearTimeout(timer);
          if (message.data.length > 0) yield message.data;
          if (message.info.pending === 0) return;
          timer = setTimeout(stall, CHUNK_WAIT_MS);
        }
      } finally {
        clearTimeout(timer);
        messages.stop();
      }
      // Replaced or deleted while read (its chunks purged), or the bus gone for that long.
      throw new Error(stalled ? `no chunk of ${digest} came from ${where} for ${CHUNK_WAIT_MS / 1000} s` : `${digest} ended before its last chunk`);
    })();
  }

  /** Every stored object's name (its digest), deleted ones left out. */
  async names(): Promise<string[]> {
    return (await this.store.list()).filter((info) => !info.deleted).map((info) => info.name);
  }

  async delete(digest: string): Promise<void> {
    await this.store.delete(digest);
  }
}

function sameDigest(info: ObjectInfo, digest: string): boolean {
  return info.digest.replace(/^SHA-256=/, '').replace(/=+$/, '') === storeDigestOf(digest);
}

function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // The client's words for a server started without JetStream.
  if (/jetstream (is )?not enabled|no responders|503/i.test(message)) return `${message} (is nats-server running with JetStream: -js, or a jetstream {} block in its config?)`;
  return message;
}
