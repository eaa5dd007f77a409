import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { invalidArg, SUBJECTS, type ModelLifecycleEvent, type ModelRecord, type RepositorySnapshot, type SchedulerStatus, type StatisticsSnapshot } from '@flotilla/contracts';
import { decodeJson, requestJson, type MessageBus } from '@flotilla/transport';
import { InjectBus } from '@flotilla/service-kit';

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
    this.bus.subscribe(SUBJECTS.repositoryEvents, (message) => {
      const event = decodeJson<ModelLifecycleEvent>(message.data);
      if (event.kind === 'loaded') this.models.set(event.model.name, event.model);
      else this.models.delete(event.model.name);
    });
    void this.refresh().catch(() => undefined);
  }

  async refresh(): Promise<ModelRecord[]> {
    const snapshot = await requestJson<RepositorySnapshot>(this.bus, SUBJECTS.repositoryIndex, {}, 2000);
    this.models.clear();
    for (const model of snapshot.models) this.models.set(model.name, model);
    this.refreshedAt = Date.now();
    return [...snapshot.models];
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
