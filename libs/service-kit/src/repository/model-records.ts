import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { invalidArg, SUBJECTS, type ModelLifecycleEvent, type ModelRecord, type RepositorySnapshot } from '@flotilla/contracts';
import { ControlPlaneClient } from '../control-plane/control-plane.client';
import type { MessageBus } from '@flotilla/transport';
import { ControlPlaneListening } from '../control-plane/control-plane-listening';
import { InjectBus } from '../control-plane/control-plane.module';

/** How often a service asks for the index until the model repository answers (services start in any order). */
const RETRY_MS = 250;
/** The repository answers its index once its first load is done; that can take a moment. */
const INDEX_TIMEOUT_MS = 2000;

/**
 * This process's copy of the model repository's records: the index once at start (asked again
 * until the repository answers), then every lifecycle event (RepositoryEventsController). Listeners
 * receive the whole current set after each change.
 */
@Injectable()
export class ModelRecords implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('models');
  private readonly models = new Map<string, ModelRecord>();
  private readonly listeners: ((models: ModelRecord[]) => void)[] = [];
  private refreshedAt = 0;
  private stopped = false;

  constructor(
    private readonly control: ControlPlaneClient,
    private readonly listening: ControlPlaneListening,
    @InjectBus() private readonly bus: MessageBus,
  ) {}

  onChange(listener: (models: ModelRecord[]) => void): void {
    this.listeners.push(listener);
  }

  /** Asks for the index once lifecycle events are heard, so that none falls between the two. */
  onApplicationBootstrap(): void {
    void this.listening.subscribed.then(() => this.follow());
    // Lifecycle events published while this process's link to NATS was down never reached it.
    this.bus.link.onChange((state) => state === 'up' && void this.catchUp());
  }

  onApplicationShutdown(): void {
    this.stopped = true;
  }

  all(): ModelRecord[] {
    return [...this.models.values()];
  }

  /**
   * The model's record; Triton's "unknown model" error when the repository has none. A miss asks
   * the repository again (at most once a second, so a client looping on a wrong name costs no
   * NATS traffic): it may have started later than this service.
   */
  async get(name: string): Promise<ModelRecord> {
    let record = this.models.get(name);
    if (!record && Date.now() - this.refreshedAt > 1000) {
      await this.refresh();
      record = this.models.get(name);
    }
    if (!record) throw invalidArg(`Request for unknown model: '${name}' is not found`);
    return record;
  }

  /** Asks the repository for its index now and holds exactly that. */
  async refresh(): Promise<ModelRecord[]> {
    return [...(await this.snapshot()).models];
  }

  /** Like refresh, but the whole index: also the control mode and the folders never loaded. */
  async snapshot(): Promise<RepositorySnapshot> {
    const snapshot = await this.index();
    this.refreshedAt = Date.now();
    this.models.clear();
    for (const model of snapshot.models) this.models.set(model.name, model);
    this.changed();
    return snapshot;
  }

  /** A model was loaded, reloaded or unloaded. */
  apply(event: ModelLifecycleEvent): void {
    if (event.kind === 'loaded') this.models.set(event.model.name, event.model);
    else this.models.delete(event.model.name);
    this.changed();
  }

  private async follow(): Promise<void> {
    for (let attempt = 1; !this.stopped; attempt++) {
      try {
        const snapshot = await this.index();
        // Events that arrived meanwhile are newer than the index: they stay.
        for (const model of snapshot.models) if (!this.models.has(model.name)) this.models.set(model.name, model);
        this.logger.log(`following ${snapshot.repository}: ${snapshot.models.length} model(s)`);
        this.changed();
        return;
      } catch (error) {
        // Services start in any order, so a few seconds without the repository is normal.
        if (attempt % 20 === 10) this.logger.warn(`still waiting for the model repository: ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      }
    }
  }

  /** After an outage: the index again, until the repository (reconnecting too) answers. */
  private async catchUp(): Promise<void> {
    for (let attempt = 1; !this.stopped && this.bus.link.up; attempt++) {
      try {
        await this.refresh();
        return;
      } catch (error) {
        if (attempt % 20 === 10) this.logger.warn(`could not read the model repository's index after reconnecting: ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      }
    }
  }

  private index(): Promise<RepositorySnapshot> {
    return this.control.request<RepositorySnapshot>(SUBJECTS.repositoryIndex, {}, INDEX_TIMEOUT_MS);
  }

  private changed(): void {
    const models = this.all();
    for (const listener of this.listeners) listener(models);
  }
}
