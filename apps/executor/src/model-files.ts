import { Inject, Injectable, Logger } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import type { PlannedSlot } from '@flotilla/execution';
import { ModelCache, ModelFileResolver, type FetchedFile, type ObjectSource, type ResolvedModel } from '@flotilla/model-store';
import { NATS_CONNECTION } from '@flotilla/service-kit';
import { ModelObjectStore } from '@flotilla/transport';
import { EXECUTOR_OPTIONS, type ExecutorOptions } from './executor.options';

/**
 * Where this executor loads each slot's model from (`--model-source`): the repository's folder,
 * or its own cache, filled from the model store. Every file fetched is logged, with a running
 * count (`model store fetch #<n>`) that says how often this executor went to the store.
 */
@Injectable()
export class ModelFiles {
  private readonly logger = new Logger('model-files');
  private resolver: Promise<ModelFileResolver> | undefined;
  private store: ModelObjectStore | undefined;
  private fetches = 0;
  private fetchedBytes = 0;

  constructor(
    @Inject(EXECUTOR_OPTIONS) private readonly options: ExecutorOptions,
    @Inject(NATS_CONNECTION) private readonly connection: NatsConnection,
  ) {}

  /** The file the slot's backend loads; throws, naming model, version, file and digest, when it cannot be had. */
  async resolve(plan: PlannedSlot): Promise<ResolvedModel> {
    const resolver = await (this.resolver ??= this.createResolver().catch((error) => {
      this.resolver = undefined; // the cache folder may be fixed meanwhile: try again on the next load
      throw error;
    }));
    return resolver.resolve(plan.model, { version: plan.version, path: plan.modelPath, ...(plan.manifest ? { manifest: plan.manifest } : {}) });
  }

  private async createResolver(): Promise<ModelFileResolver> {
    const { modelSource, modelCacheDir } = this.options;
    if (modelSource === 'files') return new ModelFileResolver('files', undefined, undefined);
    const cache = await ModelCache.open(modelCacheDir).catch((error: Error) => {
      throw new Error(`cannot use the model cache folder ${modelCacheDir} (--model-cache-dir): ${error.message}`);
    });
    this.logger.log(`model files: --model-source=${modelSource}, cache ${modelCacheDir}, model store bucket '${this.options.modelStoreBucket}'`);
    return new ModelFileResolver(modelSource, cache, this.storeSource(), (fetch) => this.onFetched(fetch));
  }

  /** The model store, opened when first needed and opened again after a failure (the repository may start later). */
  private storeSource(): ObjectSource {
    const where = `bucket '${this.options.modelStoreBucket}'`;
    return {
      where,
      open: async (digest) => {
        this.store ??= await ModelObjectStore.open(this.connection, this.options.modelStoreBucket);
        return this.store.open(digest);
      },
    };
  }

  private onFetched({ model, version, file, ms }: FetchedFile): void {
    this.fetches++;
    this.fetchedBytes += file.size;
    const mbps = file.size / 1e6 / Math.max(ms / 1000, 1e-6);
    this.logger.log(
      `model store fetch #${this.fetches}: model '${model}' version ${version} file '${file.path}' (${file.digest}, ${file.size} bytes) in ${ms.toFixed(0)} ms (${mbps.toFixed(1)} MB/s); ${this.fetchedBytes} bytes fetched in all`,
    );
  }
}
