import type { DurationStat, SlotStatistics } from '@flotilla/contracts';

/**
 * Per-slot statistics, mutable, as the executor keeps them. `record*` are called once per request.
 * Durations are nanoseconds, as Triton reports them.
 */
export class SlotStatisticsRecorder {
  private success = zero();
  private fail = zero();
  private queue = zero();
  private computeInfer = zero();
  private inferenceCount = 0;
  private executionCount = 0;
  private lastInference = 0;
  private readonly batches = new Map<number, { count: number; ns: number }>();

  recordSuccess(batchSize: number, queueNs: number, computeNs: number, nowMs: number): void {
    this.success = add(this.success, queueNs + computeNs);
    this.queue = add(this.queue, queueNs);
    this.computeInfer = add(this.computeInfer, computeNs);
    this.inferenceCount += batchSize;
    this.executionCount += 1;
    this.lastInference = Math.max(this.lastInference, nowMs);
    const batch = this.batches.get(batchSize) ?? { count: 0, ns: 0 };
    this.batches.set(batchSize, { count: batch.count + 1, ns: batch.ns + computeNs });
  }

  recordFailure(durationNs: number, nowMs: number): void {
    this.fail = add(this.fail, durationNs);
    this.lastInference = Math.max(this.lastInference, nowMs);
  }

  snapshot(): SlotStatistics {
    return {
      success: this.success,
      fail: this.fail,
      queue: this.queue,
      computeInfer: this.computeInfer,
      inferenceCount: this.inferenceCount,
      executionCount: this.executionCount,
      lastInference: this.lastInference,
      batches: Object.fromEntries([...this.batches].map(([size, stat]) => [String(size), { ...stat }])),
    };
  }
}

/** Sums slot statistics (e.g. every slot of one model version, live or retired). */
export function sumStatistics(all: readonly SlotStatistics[]): SlotStatistics {
  const batches = new Map<string, DurationStat>();
  for (const stats of all) {
    for (const [size, stat] of Object.entries(stats.batches)) batches.set(size, plus(batches.get(size) ?? zero(), stat));
  }
  return {
    success: all.reduce((sum, s) => plus(sum, s.success), zero()),
    fail: all.reduce((sum, s) => plus(sum, s.fail), zero()),
    queue: all.reduce((sum, s) => plus(sum, s.queue), zero()),
    computeInfer: all.reduce((sum, s) => plus(sum, s.computeInfer), zero()),
    inferenceCount: all.reduce((sum, s) => sum + s.inferenceCount, 0),
    executionCount: all.reduce((sum, s) => sum + s.executionCount, 0),
    lastInference: all.reduce((latest, s) => Math.max(latest, s.lastInference), 0),
    batches: Object.fromEntries(batches),
  };
}

const zero = (): DurationStat => ({ count: 0, ns: 0 });
const add = (stat: DurationStat, ns: number): DurationStat => ({ count: stat.count + 1, ns: stat.ns + Math.max(0, Math.round(ns)) });
const plus = (a: DurationStat, b: DurationStat): DurationStat => ({ count: a.count + b.count, ns: a.ns + b.ns });
