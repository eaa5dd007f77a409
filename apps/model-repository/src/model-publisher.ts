import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import type { ManifestFile, ModelRecord, ModelVersionRecord } from '@flotilla/contracts';
import { referencedDigests, SharedExclusive } from '@flotilla/model-store';
import { NATS_CONNECTION } from '@flotilla/service-kit';
import { ModelObjectStore } from '@flotilla/transport';

export const PUBLISH_OPTIONS = Symbol('PublishOptions');

export interface PublishOptions {
  /** Off with --publish-models=false: records carry manifests, the model store is not used. */
  readonly enabled: boolean;
  readonly bucket: string;
  readonly replicas: number;
}

/**
 * Puts the files of every version the repository loads into the model store, before any executor
 * hears of the version, so that executors on other hosts can fetch them (docs/deployment.md,
 * "Model store"). Content-addressed: a file whose digest is stored already is not sent again, so
 * a reload that changes only the config sends nothing. Objects that no version with instances
 * references any more are deleted once a load or unload has settled (`sweep`).
 */
@Injectable()
export class ModelPublisher implements OnModuleInit {
  private readonly logger = new Logger('model-store');
  private store: ModelObjectStore | undefined;
  /** Puts under way, by digest: two models sharing a file send it once. */
  private readonly putting = new Map<string, Promise<void>>();
  /** Digests of loads not yet settled, by model: kept by a sweep though no record names them yet. */
  private readonly pending = new Map<string, ReadonlySet<string>>();
  private readonly lock = new SharedExclusive();
  private sweepWaiting = false;

  constructor(
    @Inject(NATS_CONNECTION) private readonly connection: NatsConnection,
    @Inject(PUBLISH_OPTIONS) private readonly options: PublishOptions,
  ) {}

  /** Without JetStream on the bus the service does not start: executors on other hosts could load nothing. */
  async onModuleInit(): Promise<void> {
    if (!this.options.enabled) return;
    this.store = await ModelObjectStore.create(this.connection, this.options.bucket, { replicas: this.options.replicas }).catch((error: Error) => {
      throw new Error(`${error.message}; or run the model repository with --publish-models=false, executors then reading the repository's files (--model-source=files)`);
    });
    this.logger.log(`model files go to the model store ${this.store.where} (JetStream object store)`);
  }

  /**
   * The candidate with its files stored: a version whose files could not be stored is
   * UNAVAILABLE, naming the file and why. Holds the candidate's digests until `settled(name)`.
   */
  async publish(candidate: ModelRecord): Promise<ModelRecord> {
    const store = this.store;
    if (!store) return candidate;
    this.pending.set(candidate.name, referencedDigests([candidate]));
    const versions = await this.lock.shared(() => Promise.all(candidate.versions.map((version) => this.publishVersion(store, candidate.name, version))));
    return { ...candidate, versions };
  }

  /**
   * The model's load or unload has settled: objects no record names any more go. Does not wait:
   * a sweep waits for every put under way, and no load's answer should wait on another's upload.
   * Sweeps asked for while one waits to start are that one (it reads the records when it runs).
   */
  settled(name: string, records: () => Iterable<ModelRecord>): void {
    this.pending.delete(name);
    const store = this.store;
    if (!store || this.sweepWaiting) return;
    this.sweepWaiting = true;
    void this.lock
      .exclusively(async () => {
        this.sweepWaiting = false;
        const keep = referencedDigests(records());
        for (const digests of this.pending.values()) for (const digest of digests) keep.add(digest);
        for (const stored of await store.names()) {
          if (keep.has(stored)) continue;
          await store.delete(stored);
          this.logger.log(`deleted ${stored} from the model store: no loaded version references it`);
        }
      })
      .catch((error: Error) => {
        this.sweepWaiting = false;
        this.logger.warn(`could not sweep the model store: ${error.message}`);
      });
  }

  private async publishVersion(store: ModelObjectStore, model: string, version: ModelVersionRecord): Promise<ModelVersionRecord> {
    if (version.state !== 'READY' || !version.manifest) return version;
    const { manifest } = version;
    for (const file of manifest.files) {
      try {
        await this.put(store, file, `${manifest.dir}/${file.path}`);
      } catch (error) {
        const reason = `could not store file '${file.path}' (${file.digest}) in the model store (${store.where}): ${(error as Error).message}`;
        this.logger.error(`model '${model}' version ${version.version}: ${reason}`);
        return { ...version, state: 'UNAVAILABLE', reason };
      }
    }
    return version;
  }

  private put(store: ModelObjectStore, file: ManifestFile, path: string): Promise<void> {
    const running = this.putting.get(file.digest);
    if (running) return running;
    const put = (async () => {
      if (await store.has(file)) return;
      const started = performance.now();
      await store.put(file, path);
      this.logger.log(`stored ${path} as ${file.digest} (${file.size} bytes) in ${(performance.now() - started).toFixed(0)} ms`);
    })().finally(() => this.putting.delete(file.digest));
    this.putting.set(file.digest, put);
    return put;
  }
}
