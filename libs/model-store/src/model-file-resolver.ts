import { join } from 'node:path';
import type { ManifestFile, ModelVersionRecord, VersionManifest } from '@flotilla/contracts';
import { FileDigests } from './file-digests';
import { checkManifestPath } from './manifest-path';
import type { ModelCache } from './model-cache';
import type { ModelSourceMode } from './model-source';

/** The model store as the resolver sees it (the NATS object store adapter implements it). */
export interface ObjectSource {
  /** Where the objects are, for messages: `bucket 'flotilla-models'`. */
  readonly where: string;
  /** The object's content as it arrives, or undefined when there is no such object. */
  open(digest: string): Promise<AsyncIterable<Uint8Array> | undefined>;
}

/** One file fetched from the model store, for the log and the executor's fetch count. */
export interface FetchedFile {
  readonly model: string;
  readonly version: number;
  readonly file: ManifestFile;
  readonly ms: number;
}

/** A version's files could not be had: the message names the model, version, file and digest. */
export class ModelFilesError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelFilesError';
  }
}

export interface ResolvedModel {
  /** The file the backend loads. */
  readonly path: string;
  /** Where it was read from. */
  readonly from: 'files' | 'cache';
}

/**
 * Decides where an executor loads a model version from (`ModelSourceMode`) and, from the model
 * store, fetches what its cache lacks: each missing digest once, however many slots or versions
 * want it at the same time, and never again once cached. So a reload that changes only the
 * config fetches nothing, and a changed model file fetches that file alone.
 */
export class ModelFileResolver {
  /** Fetches under way, by digest: a second slot waits for the first one's. */
  private readonly fetching = new Map<string, Promise<void>>();
  private readonly localDigests = new FileDigests();

  constructor(
    private readonly mode: ModelSourceMode,
    private readonly cache: ModelCache | undefined,
    private readonly store: ObjectSource | undefined,
    private readonly fetched: (fetch: FetchedFile) => void = () => undefined,
  ) {
    if (mode !== 'files' && (!cache || !store)) throw new Error(`model source '${mode}' needs a cache and the model store`);
  }

  async resolve(model: string, version: Pick<ModelVersionRecord, 'version' | 'path' | 'manifest'>): Promise<ResolvedModel> {
    const manifest = version.manifest;
    if (this.mode === 'files') return { path: version.path, from: 'files' };
    if (!manifest) {
      if (this.mode === 'auto') return { path: version.path, from: 'files' };
      throw new ModelFilesError(`model '${model}' version ${version.version}: the model repository sent no manifest of its files, so they cannot be fetched from the model store (is the repository running with --publish-models=false?)`);
    }
    for (const file of manifest.files) {
      try {
        checkManifestPath(file.path);
      } catch (error) {
        throw new ModelFilesError(`model '${model}' version ${version.version}: ${(error as Error).message}`);
      }
    }
    if (this.mode === 'auto' && (await this.localFilesMatch(manifest))) return { path: version.path, from: 'files' };
    await Promise.all(manifest.files.map((file) => this.ensureCached(model, version.version, file)));
    return { path: await this.cache!.versionFolder(manifest), from: 'cache' };
  }

  /** Every file of the manifest is in the repository's folder on this host, with the manifest's digest. */
  private async localFilesMatch(manifest: VersionManifest): Promise<boolean> {
    for (const file of manifest.files) {
      const local = await this.localDigests.of(join(manifest.dir, ...file.path.split('/'))).catch(() => undefined);
      if (local?.digest !== file.digest || local.size !== file.size) return false;
    }
    return true;
  }

  private ensureCached(model: string, version: number, file: ManifestFile): Promise<void> {
    const running = this.fetching.get(file.digest);
    if (running) return running;
    const fetch = this.fetchUnlessCached(model, version, file).finally(() => this.fetching.delete(file.digest));
    this.fetching.set(file.digest, fetch);
    return fetch;
  }

  private async fetchUnlessCached(model: string, version: number, file: ManifestFile): Promise<void> {
    const cache = this.cache!;
    if (await cache.has(file)) return;
    const named = `model '${model}' version ${version}: file '${file.path}' (${file.digest}, ${file.size} bytes)`;
    const started = performance.now();
    let chunks: AsyncIterable<Uint8Array> | undefined;
    try {
      chunks = await this.store!.open(file.digest);
    } catch (error) {
      throw new ModelFilesError(`${named}: could not read it from the model store (${this.store!.where}): ${(error as Error).message}`);
    }
    if (!chunks) throw new ModelFilesError(`${named} is not in the model store (${this.store!.where}): the model repository publishes it when it loads the model; it was deleted since, or the repository does not publish`);
    try {
      await cache.store(file, chunks);
    } catch (error) {
      throw new ModelFilesError(`${named}: fetching it from the model store (${this.store!.where}) failed: ${(error as Error).message}`);
    }
    this.fetched({ model, version, file, ms: performance.now() - started });
  }
}
