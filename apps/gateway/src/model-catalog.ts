import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { invalidArg, SUBJECTS, type ModelRecord, type RepositorySnapshot, type SchedulerStatus, type StatisticsSnapshot } from '@flotilla/contracts';
import { requestJson, type MessageBus } from '@flotilla/transport';
import { followRepository, InjectBus } from '@flotilla/service-kit';

/**
 * The gateway's copy of the repository's model records, kept current by lifecycle events, so
 * that metadata and config requests, and the raw-binary input lookup, cost no NATS round trip.
 * A miss asks the repository again before answering "not found" (it may have started later).
 */
@Injectable()
export class ModelCatalog implements OnApplicationBootstrap {
  private readonly models = new Map<string, ModelRecord>();
  private refreshedAt = 0;

  constructor(@InjectBus() private readonly bus: MessageBus) {}

  onApplicationBootstrap(): void {
    followRepository(this.bus, new Logger('models'), (models) => this.replace(models));
  }

  /** Asks the repository for its index now (readiness, the index route, a cache miss). */
  async refresh(): Promise<ModelRecord[]> {
    const snapshot = await requestJson<RepositorySnapshot>(this.bus, SUBJECTS.repositoryIndex, {}, 2000);
    this.replace(snapshot.models);
    this.refreshedAt = Date.now();
    return [...snapshot.models];
  }

  private replace(models: readonly ModelRecord[]): void {
    this.models.clear();
    for (const model of models) this.models.set(model.name, model);
  }

  /** The model's record; Triton's "unknown model" error (400) when the repository has none. */
  async get(name: string): Promise<ModelRecord> {
    let record = this.models.get(name);
    // At most one refresh a second for misses, so a client looping on a wrong name costs no NATS traffic.
    if (!record && Date.now() - this.refreshedAt > 1000) {
      await this.refresh();
      record = this.models.get(name);
    }
    if (!record) throw invalidArg(`Request for unknown model: '${name}' is not found`);
    return record;
  }

  /** Per model version, the summed statistics of its slots (Triton's statistics extension). */
  statistics(): Promise<StatisticsSnapshot> {
    return requestJson<StatisticsSnapshot>(this.bus, SUBJECTS.schedulerStatistics, {}, 2000);
  }

  /** The scheduler's live view: which model versions have instance slots that can execute. */
  schedulerStatus(): Promise<SchedulerStatus> {
    return requestJson<SchedulerStatus>(this.bus, SUBJECTS.schedulerStatus, {}, 2000);
  }
}
