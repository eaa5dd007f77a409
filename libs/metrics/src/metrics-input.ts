import type { ExecutorAnnouncement, RateLimiterStatus, SchedulerStatus, StatisticsSnapshot } from '@flotilla/contracts';

/** What one scrape reads from the deployment. */
export interface MetricsInput {
  /** The model versions to report: those READY in the repository now, as Triton reports loaded models only. */
  readonly versions: readonly { readonly name: string; readonly version: number }[];
  /** Per model version, exact as of the scrape (the scheduler flushes every executor first). */
  readonly statistics: StatisticsSnapshot;
  /** Queues and instance slots (busy, idle, draining) per model version. */
  readonly scheduler: SchedulerStatus;
  /** The fleet as announced: executors, their devices, and slots still loading or failed. */
  readonly executors: readonly ExecutorAnnouncement[];
  /** The rate limiter's pools and waiters; absent when it could not be asked. */
  readonly rateLimiter?: RateLimiterStatus;
}
