import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { invalidArg, unavailable, SUBJECTS, type ModelLifecycleEvent, type ModelRecord, type RepositoryLoadRequest, type RepositorySnapshot } from '@flotilla/contracts';
import { modelConfigFromJson } from '@flotilla/model-config';
import {
  droppingRecord,
  hasInstances,
  isServing,
  isUnloaded,
  listModelDirectories,
  loadFailureText,
  loadingRecord,
  loadModelDirectory,
  discardOverrides,
  materializeOverrides,
  MODEL_CONTROL_DISABLED,
  parseFileOverridePath,
  settledRecord,
  startupModels,
  unloadedRecord,
  unloadingRecord,
  type ModelControlMode,
  type ModelSource,
  type VersionOutcome,
} from '@flotilla/repository';
import { FileDigests } from '@flotilla/model-store';
import { ControlPlaneClient } from '@flotilla/service-kit';
import { DeviceInventory } from './device-inventory';
import { ModelPublisher } from './model-publisher';
import { RepositoryPoller } from './repository-poller';
import { applyResourceLimits, type RateLimitOptions } from './resource-limits';
import { SchedulerIdle } from './scheduler-idle';
import { SlotWatch } from './slot-watch';

export const REPOSITORY_OPTIONS = Symbol('RepositoryOptions');

export interface RepositoryOptions {
  readonly repository: string;
  /** GPU ids given with --gpus; undefined means "learn them from the executors". */
  readonly gpus?: readonly number[];
  readonly discoveryMs: number;
  readonly rateLimit: RateLimitOptions;
  readonly mode: ModelControlMode;
  /** --load-model, for explicit mode ('*' = all). */
  readonly loadModels: readonly string[];
  /** --repository-poll-secs, for poll mode. */
  readonly pollSecs: number;
  /** Off with --disable-auto-complete-config. */
  readonly autoCompleteConfig: boolean;
}

/** What a model was last loaded from, so a reload caused by a new GPU keeps a load request's overrides. */
type Source = ModelSource;

/**
 * Owns the model repository and every model's lifecycle (triton-spec §4.5). Each model's record is
 * the one truth the other services follow through lifecycle events: its versions LOADING while the
 * executors create their instances, READY once every instance has a loaded session, UNAVAILABLE
 * with the reason when something failed, UNLOADING while an unload lets queued requests finish.
 *
 * Control modes: `none` loads every model once; `poll` also re-reads the repository every
 * --repository-poll-secs and loads, reloads or unloads what changed; `explicit` loads the
 * --load-model models, then whatever the load and unload API asks. Operations on one model run one
 * after another; different models load side by side. A broken model never stops the others, and
 * never stops the service.
 *
 * Instance-group defaults and validation depend on the GPUs present (triton-spec §1.2), so the
 * first load waits for executors to announce themselves unless --gpus names the GPUs, and a GPU
 * that joins later reloads the loaded models.
 */
@Injectable()
export class RepositoryService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('repository');
  private readonly records = new Map<string, ModelRecord>();
  private readonly sources = new Map<string, Source>();
  /** The tail of each model's chain of operations. */
  private readonly chains = new Map<string, Promise<unknown>>();
  /** Model folders present at the last scan. */
  private folders: string[] = [];
  private readonly firstScan: Promise<void>;
  private startFirstScan!: () => void;
  private poller: RepositoryPoller | undefined;
  /** Model files' digests, read again only when a file changed. */
  private readonly digests = new FileDigests();

  constructor(
    private readonly control: ControlPlaneClient,
    @Inject(REPOSITORY_OPTIONS) private readonly options: RepositoryOptions,
    private readonly devices: DeviceInventory,
    private readonly slots: SlotWatch,
    private readonly schedulerIdle: SchedulerIdle,
    private readonly publisher: ModelPublisher,
  ) {
    this.firstScan = new Promise<void>((resolve) => (this.startFirstScan = resolve)).then(() => this.start());
  }

  /**
   * Does not wait for the first load: the fleet's announcements must be heard meanwhile, and Nest
   * subscribes the controllers' patterns only once every bootstrap hook has returned.
   */
  onApplicationBootstrap(): void {
    this.devices.watch(this.options.gpus ?? [], () => void this.firstScan.then(() => this.reloadAllForNewGpu()));
    const discovering = this.options.gpus === undefined && this.options.discoveryMs > 0;
    setTimeout(() => this.startFirstScan(), discovering ? this.options.discoveryMs : 0);
  }

  /**
   * A load request's private folder (`file:` overrides) serves this process's loads alone: the next
   * model repository starts from the repository's own folders, so the folders go with this one.
   */
  async onApplicationShutdown(): Promise<void> {
    this.poller?.stop();
    const dirs = [...this.sources.values()].flatMap((source) => (source.dir ? [source.dir] : []));
    this.sources.clear();
    await Promise.all(dirs.map((dir) => discardOverrides(dir).catch((error: Error) => this.logger.warn(`could not remove ${dir}: ${error.message}`))));
  }

  /** Every model the repository knows, in its current state (once the startup models are being loaded). */
  async snapshot(): Promise<RepositorySnapshot> {
    await this.firstScan;
    const notLoaded = this.folders.filter((name) => !this.records.has(name));
    return { repository: this.options.repository, mode: this.options.mode, models: [...this.records.values()], notLoaded };
  }

  /** The load API: (re)loads one model; resolves once it serves, rejects with why it does not. */
  async loadFromApi(request: RepositoryLoadRequest): Promise<void> {
    this.refuseUnlessExplicit();
    await this.firstScan;
    const source = await this.sourceOf(request);
    await this.serially(request.model, () => this.load(request.model, source));
  }

  /** The unload API: lets the model's queued and running requests finish, then unloads it. */
  async unloadFromApi(model: string): Promise<void> {
    this.refuseUnlessExplicit();
    await this.firstScan;
    await this.serially(model, () => this.unload(model));
  }

  private refuseUnlessExplicit(): void {
    if (this.options.mode !== 'explicit') throw unavailable(MODEL_CONTROL_DISABLED);
  }

  /** The startup models' loads begin; the scan is done once each has its first (LOADING or failed) record. */
  private async start(): Promise<void> {
    this.folders = await listModelDirectories(this.options.repository);
    const names = startupModels(this.options.mode, this.options.loadModels, this.folders);
    const begun: Promise<void>[] = [];
    for (const name of names) {
      begun.push(
        new Promise<void>((recorded) => {
          void this.serially(name, () => this.load(name, {}, recorded)).catch(() => undefined);
        }),
      );
    }
    await Promise.all(begun);
    if (this.options.mode === 'poll') await this.startPolling();
  }

  /** Loads what appeared or changed in the folder, unloads what went; each failure is logged, never fatal. */
  private async startPolling(): Promise<void> {
    this.poller = new RepositoryPoller(this.options.repository, this.options.pollSecs, {
      folders: (names) => (this.folders = [...names]),
      changed: (name) => void this.serially(name, () => this.load(name, {})).catch((error: Error) => this.logger.error(`Poll failed for model directory '${name}': ${error.message}`)),
      removed: (name) => void this.serially(name, () => this.unload(name)).catch((error: Error) => this.logger.error(`Poll failed to unload '${name}': ${error.message}`)),
    }, this.logger);
    await this.poller.start(this.folders);
  }

  /** Runs `operation` after every earlier operation on the same model. */
  private serially<T>(model: string, operation: () => Promise<T>): Promise<T> {
    const run = (this.chains.get(model) ?? Promise.resolve()).catch(() => undefined).then(operation);
    this.chains.set(model, run);
    return run;
  }

  /**
   * Loads (or reloads) one model and waits for its instances. `recorded` is called as soon as the
   * model has a record (loading or failed), so the startup scan can answer the index meanwhile.
   * Failures are logged and thrown with Triton's texts; a model that served keeps serving.
   */
  private async load(name: string, source: Source, recorded?: () => void): Promise<void> {
    const startup = recorded !== undefined;
    try {
      const previous = this.records.get(name);
      if (!source.dir && !existsSync(join(this.options.repository, name))) {
        const reason = `failed to load '${name}', failed to poll from model repository: no model folder '${name}' in ${this.options.repository}`;
        // A --load-model naming no folder is a failed startup model; a load request for one registers nothing.
        if (!previous && startup) await this.publish({ name, versions: [], reason });
        throw invalidArg(reason);
      }
      let candidate = await this.candidate(name, source);
      if (candidate.reason) {
        this.retireSource(name, source);
        if (!isServing(previous)) await this.publish(candidate);
        else this.logger.error(`reload of '${name}' failed; the loaded config keeps serving: ${candidate.reason}`);
        throw invalidArg(`load failed for model '${name}': ${candidate.reason}`);
      }
      // Its files are in the model store before any executor hears of it.
      candidate = await this.publisher.publish(candidate);
      const previousSource = this.sources.get(name);
      this.sources.set(name, source);
      await this.publish(loadingRecord(previous, candidate));
      recorded?.();
      const loading = this.records.get(name)!;
      const unavailable = candidate.versions.filter((v) => v.state !== 'READY');
      const outcomes = await this.slots.outcomes(loading, candidate.versions.filter((v) => v.state === 'READY').map((v) => v.version));
      for (const version of unavailable) outcomes.set(version.version, { kind: 'failed', reason: version.reason } satisfies VersionOutcome);
      const settled = settledRecord(previous, candidate, outcomes);
      await this.retireDroppedVersions(this.records.get(name)!, settled);
      await this.publish(settled);
      const failure = loadFailureText(name, outcomes);
      // A failed reload serves on from the previous source; whichever source no longer serves goes.
      const keptPrevious = failure !== undefined && isServing(previous);
      if (keptPrevious) this.sources.set(name, previousSource ?? {});
      this.retireSource(name, keptPrevious ? source : previousSource);
      if (failure) throw invalidArg(failure);
    } finally {
      recorded?.();
      this.publisher.settled(name, () => this.records.values());
    }
  }

  /**
   * Versions a reload drops (a new version replaced them) first turn UNLOADING: no new request
   * goes to them, and those already queued or running finish, as in an unload; only then does the
   * settled record take them away. Unversioned requests meanwhile go to the new highest version.
   */
  private async retireDroppedVersions(current: ModelRecord, settled: ModelRecord): Promise<void> {
    const dropping = droppingRecord(current, settled);
    if (!dropping) return;
    await this.publish(dropping.record);
    await this.schedulerIdle.wait(current.name, dropping.versions);
  }

  private async unload(name: string): Promise<void> {
    const record = this.records.get(name);
    if (!record) {
      if (this.folders.includes(name) || existsSync(join(this.options.repository, name))) return; // never loaded: nothing to do
      throw invalidArg(`failed to unload '${name}': no model '${name}' is loaded or in the model repository`);
    }
    await this.publish(unloadingRecord(record));
    await this.schedulerIdle.wait(name);
    await this.publish(unloadedRecord(record));
    this.publisher.settled(name, () => this.records.values());
    const source = this.sources.get(name);
    this.sources.delete(name);
    this.retireSource(name, source);
  }

  /** Removes a load request's private folder once the model no longer loads from it (never the one it serves from). */
  private retireSource(name: string, source: Source | undefined): void {
    if (!source?.dir || this.sources.get(name)?.dir === source.dir) return;
    void discardOverrides(source.dir).catch((error: Error) => this.logger.warn(`could not remove ${source.dir}: ${error.message}`));
  }

  /** The model as its folder (or the load request) describes it now, checked against the rate limiter's resources. */
  private async candidate(name: string, source: Source): Promise<ModelRecord> {
    const gpus = this.devices.list();
    const loaded = await loadModelDirectory(this.options.repository, name, { gpus, autoCompleteConfig: this.options.autoCompleteConfig, digests: this.digests }, source);
    // Every other model that has (or is getting) instances counts, as it will hold resources too.
    const others = [...this.records.values()]
      .filter((record) => record.name !== name && record.config)
      .map((record) => ({ ...record, versions: record.versions.map((v) => (hasInstances(v) ? { ...v, state: 'READY' as const } : v)) }));
    return applyResourceLimits([...others, loaded], this.options.rateLimit).find((record) => record.name === name)!;
  }

  /** Reads a load request's overrides; file contents go to a private folder, never the repository. */
  private async sourceOf(request: RepositoryLoadRequest): Promise<Source> {
    const config = request.config ? modelConfigFromJson(request.config) : undefined;
    const files = (request.files ?? []).map((file) => ({
      ...parseFileOverridePath(`file:${file.version}/${file.path}`), // checked again: this is the side that writes
      contents: Buffer.from(file.base64, 'base64'),
    }));
    if (files.length > 0 && !config) throw invalidArg(`load failed for model '${request.model}': file overrides need the 'config' parameter too`);
    const dir = files.length > 0 ? await materializeOverrides(request.model, files) : undefined;
    return { ...(config ? { config } : {}), ...(dir ? { dir } : {}) };
  }

  /** A new GPU changes instance-group defaults: every model loaded (or that failed) loads again, as it was loaded; unloaded ones stay so. */
  private async reloadAllForNewGpu(): Promise<void> {
    const names = [...this.records.values()].filter((record) => !isUnloaded(record)).map((record) => record.name);
    await Promise.all(names.map((name) => this.serially(name, () => this.load(name, this.sources.get(name) ?? {})).catch(() => undefined)));
  }

  private async publish(record: ModelRecord): Promise<void> {
    const before = this.records.get(record.name);
    if (before && JSON.stringify(before) === JSON.stringify(record)) return;
    this.records.set(record.name, record);
    this.report(record);
    await this.control.emitEvent(SUBJECTS.repositoryEvents, { kind: 'loaded', model: record } satisfies ModelLifecycleEvent);
  }

  private report(model: ModelRecord): void {
    const gpus = this.devices.list();
    const where = gpus.length ? `GPUs ${gpus.join(',')}` : 'no GPUs';
    if (model.reason || model.versions.length === 0) {
      this.logger.error(`model '${model.name}' failed to load (${where}): ${model.reason}`);
      return;
    }
    const versions = model.versions.map((v) => (v.reason ? `${v.version} (${v.state}: ${v.reason})` : `${v.version} (${v.state})`));
    const failed = model.versions.filter((v) => v.state === 'UNAVAILABLE' && v.reason !== 'unloaded');
    const line = `model '${model.name}' (${where}): versions ${versions.join(', ')}`;
    if (failed.length > 0) this.logger.error(line);
    else this.logger.log(line);
    if (model.versions.some((v) => v.state === 'LOADING')) for (const warning of model.warnings ?? []) this.logger.warn(`model '${model.name}': ${warning}`);
  }
}
