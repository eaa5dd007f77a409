import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { StorageType } from '@nats-io/jetstream';
import { Objm, type ObjectInfo, type ObjectStore } from '@nats-io/obj';
import type { NatsConnection } from '@nats-io/transport-node';
import type { ManifestFile } from '@flotilla/contracts';

/**
 * Chunk size of stored model files: 1 MiB per message (the object store's default is 128 KiB),
 * well under the bus' max_payload. Fewer, larger messages: a 4 MiB model came back in 0.47 s
 * against 1.08 s with 128 KiB chunks, a 64 MiB one in 3.7 s against 5.5 s (one run each on the
 * 2-core development machine under load; docs/deployment.md has the figures).
 */
export const MODEL_STORE_CHUNK_BYTES = 1 << 20;

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
      const store = await new Objm(connection).create(bucket, { storage: StorageType.File, replicas: options.replicas, description: 'Flotilla model files by sha256 digest' });
      return new ModelObjectStore(store, bucket);
    } catch (error) {
      throw new Error(`cannot create the model store (JetStream object store '${bucket}'): ${describe(error)}`);
    }
  }

  /** Opens an existing bucket (executors: the model repository creates it). */
  static async open(connection: NatsConnection, bucket: string): Promise<ModelObjectStore> {
    try {
      return new ModelObjectStore(await new Objm(connection).open(bucket), bucket);
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
   * An object's content as it arrives, or undefined when there is none. The client checks the
   * store's digest as the last chunk arrives (the iteration then throws on a mismatch); the
   * caller checks the manifest's digest too, which is what makes a wrong object fail.
   */
  async open(digest: string): Promise<AsyncIterable<Uint8Array> | undefined> {
    const result = await this.store.get(digest);
    if (!result) return undefined;
    return (async function* () {
      for await (const chunk of result.data as unknown as AsyncIterable<Uint8Array>) yield chunk;
      const error = await result.error;
      if (error) throw error;
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
