import type { BatchStatistics, DurationStat, SlotStatistics } from '@flotilla/contracts';

/** How long one execution spent on each of Triton's three compute phases, in nanoseconds. */
export interface ComputeDurations {
  /** Reading, checking and joining the inputs. */
  readonly inputNs: number;
  /** The model's run. */
  readonly inferNs: number;
  /** Cutting the outputs per request and encoding the replies. */
  readonly outputNs: number;
}

/**
 * Per-slot statistics, mutable, as the executor keeps them, counted as Triton counts them: an
 * execution of n requests with total batch size B is `recordExecution(B, …)` once and
 * `recordSuccess` or `recordFailure` once per request — never both for one request. Durations are
 * nanoseconds, as Triton reports them.
 */
export class SlotStatisticsRecorder {
  private success = zero();
  private fail = zero();
  private queue = zero();
  private computeInput = zero();
  private computeInfer = zero();
  private computeOutput = zero();
  private inferenceCount = 0;
  private executionCount = 0;
  private lastInference = 0;
  private readonly batches = new Map<number, BatchStatistics>();

  /** The model ran once on `batchSize` rows (the sum of its requests' batch sizes). */
  recordExecution(batchSize: number, compute: ComputeDurations): void {
    this.inferenceCount += batchSize;
    this.executionCount += 1;
    const batch = this.batches.get(batchSize) ?? { count: 0, computeInputNs: 0, computeInferNs: 0, computeOutputNs: 0 };
    this.batches.set(batchSize, {
      count: batch.count + 1,
      computeInputNs: batch.computeInputNs + ns(compute.inputNs),
      computeInferNs: batch.computeInferNs + ns(compute.inferNs),
      computeOutputNs: batch.computeOutputNs + ns(compute.outputNs),
    });
  }

  /** A request was answered with its outputs: it waited `queueNs`, then its execution took `compute`. */
  recordSuccess(queueNs: number, compute: ComputeDurations, nowMs: number): void {
    this.success = add(this.success, queueNs + compute.inputNs + compute.inferNs + compute.outputNs);
    this.queue = add(this.queue, queueNs);
    this.computeInput = add(this.computeInput, compute.inputNs);
    this.computeInfer = add(this.computeInfer, compute.inferNs);
    this.computeOutput = add(this.computeOutput, compute.outputNs);
    this.lastInference = Math.max(this.lastInference, nowMs);
  }

  /** A request was answered with an error, `durationNs` after it was first queued. */
  recordFailure(durationNs: number, nowMs: number): void {
    this.fail = add(this.fail, durationNs);
    this.lastInference = Math.max(this.lastInference, nowMs);
  }

  snapshot(): SlotStatistics {
    return {
      success: this.success,
      fail: this.fail,
      queue: this.queue,
      computeInput: this.computeInput,
      computeInfer: this.computeInfer,
      computeOutput: this.computeOutput,
      inferenceCount: this.inferenceCount,
      executionCount: this.executionCount,
      lastInference: this.lastInference,
      batches: Object.fromEntries([...this.batches].map(([size, stat]) => [String(size), { ...stat }])),
    };
  }
}

/** Sums slot statistics (e.g. every slot of one model version, live or retired). */
export function sumStatistics(all: readonly SlotStatistics[]): SlotStatistics {
  const batches = new Map<string, BatchStatistics>();
  for (const stats of all) {
    for (const [size, stat] of Object.entries(stats.batches)) {
      const sum = batches.get(size);
      batches.set(
        size,
        sum === undefined
          ? { ...stat }
          : {
              count: sum.count + stat.count,
              computeInputNs: sum.computeInputNs + stat.computeInputNs,
              computeInferNs: sum.computeInferNs + stat.computeInferNs,
              computeOutputNs: sum.computeOutputNs + stat.computeOutputNs,
            },
      );
    }
  }
  const total = (pick: (s: SlotStatistics) => DurationStat) => all.reduce((sum, s) => plus(sum, pick(s)), zero());
  return {
    success: total((s) => s.success),
    fail: total((s) => s.fail),
    queue: total((s) => s.queue),
    computeInput: total((s) => s.computeInput),
    computeInfer: total((s) => s.computeInfer),
    computeOutput: total((s) => s.computeOutput),
    inferenceCount: all.reduce((sum, s) => sum + s.inferenceCount, 0),
    executionCount: all.reduce((sum, s) => sum + s.executionCount, 0),
    lastInference: all.reduce((latest, s) => Math.max(latest, s.lastInference), 0),
    batches: Object.fromEntries(batches),
  };
}

const zero = (): DurationStat => ({ count: 0, ns: 0 });
const ns = (value: number) => Math.max(0, Math.round(value));
const add = (stat: DurationStat, value: number): DurationStat => ({ count: stat.count + 1, ns: stat.ns + ns(value) });
const plus = (a: DurationStat, b: DurationStat): DurationStat => ({ count: a.count + b.count, ns: a.ns + b.ns });
