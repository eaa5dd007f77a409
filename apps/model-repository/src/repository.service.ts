import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { SUBJECTS, type ModelLifecycleEvent, type ModelRecord, type RepositorySnapshot } from '@flotilla/contracts';
import { loadRepository } from '@flotilla/repository';
import { ControlPlaneClient } from '@flotilla/service-kit';
import { DeviceInventory } from './device-inventory';
import { applyResourceLimits, type RateLimitOptions } from './resource-limits';

export const REPOSITORY_OPTIONS = Symbol('RepositoryOptions');

export interface RepositoryOptions {
  readonly repository: string;
  /** GPU ids given with --gpus; undefined means "learn them from the executors". */
  readonly gpus?: readonly number[];
  readonly discoveryMs: number;
  readonly rateLimit: RateLimitOptions;
}

/**
 * Owns the model repository: loads it at start (control mode `none`), logs every model that
 * failed with its reason, announces the loaded ones, and answers index queries (once the first
 * load is done). A broken model never stops the others, and never stops the service.
 *
 * Instance-group defaults and validation depend on the GPUs present (triton-spec §1.2), so the
 * first load waits for executors to announce themselves unless --gpus names the GPUs, and a GPU
 * that joins later re-loads the models (only those whose record changes are announced again).
 */
@Injectable()
export class RepositoryService implements OnApplicationBootstrap {
  private readonly logger = new Logger('repository');
  private models: ModelRecord[] = [];
  /** Loads run one after another; this is the last one asked for. */
  private loading: Promise<void> | undefined;
  private readonly firstLoad: Promise<void>;
  private startFirstLoad!: () => void;

  constructor(
    private readonly control: ControlPlaneClient,
    @Inject(REPOSITORY_OPTIONS) private readonly options: RepositoryOptions,
    private readonly devices: DeviceInventory,
  ) {
    this.firstLoad = new Promise<void>((resolve) => (this.startFirstLoad = resolve)).then(() => this.reload());
  }

  /**
   * Does not wait for the first load: the fleet's announcements must be heard meanwhile, and Nest
   * subscribes the controllers' patterns only once every bootstrap hook has returned.
   */
  onApplicationBootstrap(): void {
    this.devices.watch(this.options.gpus ?? [], () => void this.firstLoad.then(() => this.reload()));
    const discovering = this.options.gpus === undefined && this.options.discoveryMs > 0;
    setTimeout(() => this.startFirstLoad(), discovering ? this.options.discoveryMs : 0);
  }

  /** Every model the repository knows, as of the latest load (waiting for the first one). */
  async snapshot(): Promise<RepositorySnapshot> {
    await this.firstLoad;
    await this.loading;
    return { repository: this.options.repository, models: this.models };
  }

  /** Loads (again) with the current GPUs; loads never overlap. */
  private reload(): Promise<void> {
    this.loading = (this.loading ?? Promise.resolve()).then(() => this.load());
    return this.loading;
  }

  private async load(): Promise<void> {
    const gpus = this.devices.list();
    const previous = new Map(this.models.map((model) => [model.name, JSON.stringify(model)]));
    this.models = applyResourceLimits(await loadRepository(this.options.repository, { gpus }), this.options.rateLimit);
    const changed = this.models.filter((model) => previous.get(model.name) !== JSON.stringify(model));
    for (const model of changed) this.report(model, gpus);
    const announced = changed.filter((model) => !model.reason);
    await Promise.all(announced.map((model) => this.control.emitEvent(SUBJECTS.repositoryEvents, { kind: 'loaded', model } satisfies ModelLifecycleEvent)));
  }

  private report(model: ModelRecord, gpus: readonly number[]): void {
    const where = gpus.length ? `GPUs ${gpus.join(',')}` : 'no GPUs';
    if (model.reason) {
      this.logger.error(`model '${model.name}' failed to load (${where}): ${model.reason}`);
      return;
    }
    const versions = model.versions.map((v) => (v.state === 'READY' ? `${v.version}` : `${v.version} (UNAVAILABLE: ${v.reason})`));
    this.logger.log(`model '${model.name}' loaded (${where}), versions ${versions.join(', ')}`);
    for (const warning of model.warnings ?? []) this.logger.warn(`model '${model.name}': ${warning}`);
  }
}
