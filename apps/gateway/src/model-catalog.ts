import { Injectable } from '@nestjs/common';
import { SUBJECTS, type ExecutorAnnouncement, type ModelRecord, type RateLimiterStatus, type RepositoryLoadRequest, type RepositorySnapshot, type RepositoryUnloadRequest, type SchedulerStatus, type StatisticsSnapshot } from '@flotilla/contracts';
import type { FleetCatalog } from '@flotilla/kserve';
import { mergeSchedulerStatus, mergeStatistics } from '@flotilla/execution';
import { ControlPlaneClient, FleetView, ModelRecords } from '@flotilla/service-kit';
import { SchedulerWatch } from './scheduler-watch';

/** A load waits for every instance of the model to load its session; the repository bounds it (LOAD_TIMEOUT_MS) and answers. */
const LOAD_REPLY_TIMEOUT_MS = 330_000;

/**
 * What the KServe operations ask the rest of the fleet: the repository's model records (held in
 * this process and kept current by lifecycle events, so metadata, config and the raw-binary input
 * lookup cost no NATS round trip), and the scheduler's live status and statistics.
 */
@Injectable()
export class ModelCatalog implements FleetCatalog {
  constructor(
    private readonly records: ModelRecords,
    private readonly control: ControlPlaneClient,
    private readonly fleet: FleetView,
    private readonly schedulers: SchedulerWatch,
  ) {}

  /** The repository's whole index, asked now (readiness, the index route). */
  index(): Promise<RepositorySnapshot> {
    return this.records.snapshot();
  }

  executors(): readonly ExecutorAnnouncement[] {
    return this.fleet.executors();
  }

  async loadModel(request: RepositoryLoadRequest): Promise<void> {
    await this.control.request(SUBJECTS.repositoryLoad, request, LOAD_REPLY_TIMEOUT_MS);
  }

  async unloadModel(model: string): Promise<void> {
    await this.control.request(SUBJECTS.repositoryUnload, { model } satisfies RepositoryUnloadRequest, LOAD_REPLY_TIMEOUT_MS);
  }

  /** Asks the repository for its index now (readiness, the index route). */
  refresh(): Promise<ModelRecord[]> {
    return this.records.refresh();
  }

  /** The model's record; Triton's "unknown model" error (400) when the repository has none. */
  get(name: string): Promise<ModelRecord> {
    return this.records.get(name);
  }

  /**
   * Per model version, the deployment's statistics (Triton's statistics extension), exact as of
   * this call: each scheduler has every executor report first (its StatisticsReader), and the
   * answers merge into one (the fleet's figures once, every scheduler's own refusals).
   */
  async statistics(): Promise<StatisticsSnapshot> {
    return mergeStatistics(await this.control.requestAll<StatisticsSnapshot>(SUBJECTS.schedulerStatistics, {}, this.gather()));
  }

  /** The rate limiter's pools, waiting instances, execution counts and priorities. */
  rateLimiterStatus(timeoutMs?: number): Promise<RateLimiterStatus> {
    return this.control.request<RateLimiterStatus>(SUBJECTS.rateLimiterStatus, {}, timeoutMs);
  }

  /** The scheduler's live view: which model versions have instance slots that can execute. */
  async schedulerStatus(): Promise<SchedulerStatus> {
    return mergeSchedulerStatus(await this.control.requestAll<SchedulerStatus>(SUBJECTS.schedulerStatus, {}, this.gather()));
  }

  /**
   * Every scheduler answers status and statistics, each for its own queues and refusals: wait for
   * as many answers as schedulers are known alive (a lone one that is just starting and does not
   * beat yet answers too, so without any known, take what comes).
   */
  private gather(): { expected?: number } {
    return this.schedulers.alive > 0 ? { expected: this.schedulers.alive } : {};
  }
}
