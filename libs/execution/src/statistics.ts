import { FAILURE_REASONS, type BatchStatistics, type DurationStat, type FailureCounts, type FailureReason, type SlotStatistics } from '@flotilla/contracts';

/** How long one execution spent on each of Triton's three compute phases, in nanoseconds. */
export interface ComputeDurations {
  /** Reading, checking and joining the inputs, and making the backend's input tensors. */
  readonly inputNs: number;
  /** The model's run. */
  readonly inferNs: number;
  /** Reading the backend's outputs, cutting them per request and encoding the replies. */
  readonly outputNs: number;
}

// Float64 fields of the shared layout, then 4 per batch size (count, input, infer, output ns).
const F = {
  successCount: 0,
  successNs: 1,
  failCount: 2,
  failNs: 3,
  queueCount: 4,
  queueNs: 5,
  inputCount: 6,
  inputNs: 7,
  inferCount: 8,
  inferNs: 9,
  outputCount: 10,
  outputNs: 11,
  inferences: 12,
  executions: 13,
  lastInference: 14,
  failures: 15, // + index in FAILURE_REASONS
} as const;
const FIELDS = F.failures + FAILURE_REASONS.length;
/** Bytes before the fields: Int32 [0] the sequence (odd while a record is being written), [1] the batch rows. */
const HEADER_BYTES = 8;

/**
 * Per-slot statistics, counted as Triton counts them: an execution of n requests with total batch
 * size B is `recordExecution(B, …)` once and `recordSuccess` or `recordFailure` once per request —
 * never both for one request. Durations are nanoseconds, as Triton reports them.
 *
 * The figures live in a SharedArrayBuffer: the slot's serving thread writes them (before it sends
 * the reply), and the executor's main thread reads them whenever it likes through another
 * recorder over the same buffer (`SlotStatisticsRecorder.over`) — no message between the threads,
 * so a read is exact the moment a reply has gone out, even while the thread is busy running the
 * next payload. A sequence lock keeps a read from seeing half a record: the writer makes the
 * sequence odd, writes, makes it even; a reader retries until it saw the same even sequence
 * before and after. One writer per buffer.
 */
export class SlotStatisticsRecorder {
  private readonly seq: Int32Array;
  private readonly fields: Float64Array;
  private readonly rows: number;

  /**
   * @param source the model's max_batch_size, for a new buffer (batch sizes 1..max(1, it) get a
   *   `batches` row); or the buffer of another recorder, to read (or write) the same figures
   */
  constructor(source: number | SharedArrayBuffer = 0) {
    const rows = typeof source === 'number' ? Math.max(1, source) : 0;
    const buffer = typeof source === 'number' ? new SharedArrayBuffer(HEADER_BYTES + 8 * (FIELDS + 4 * rows)) : source;
    this.seq = new Int32Array(buffer, 0, 2);
    if (typeof source === 'number') this.seq[1] = rows;
    this.rows = this.seq[1];
    this.fields = new Float64Array(buffer, HEADER_BYTES);
  }

  /** A recorder over a buffer another one made (the serving thread's, read by the main thread). */
  static over(buffer: SharedArrayBuffer): SlotStatisticsRecorder {
    return new SlotStatisticsRecorder(buffer);
  }

  /** The shared memory, to hand to another thread. */
  get buffer(): SharedArrayBuffer {
    return this.seq.buffer as SharedArrayBuffer;
  }

  /** Grows with every record: equal values mean equal figures. */
  get version(): number {
    return Atomics.load(this.seq, 0);
  }

  /**
   * The model ran once on `batchSize` rows (the sum of its requests' batch sizes). Validation keeps
   * it within max_batch_size; a larger one (which cannot arrive) would still count as inferences
   * and an execution, but have no `batches` row.
   */
  recordExecution(batchSize: number, compute: ComputeDurations): void {
    const f = this.begin();
    f[F.inferences] += batchSize;
    f[F.executions] += 1;
    if (batchSize >= 1 && batchSize <= this.rows) {
      const row = FIELDS + 4 * (batchSize - 1);
      f[row] += 1;
      f[row + 1] += ns(compute.inputNs);
      f[row + 2] += ns(compute.inferNs);
      f[row + 3] += ns(compute.outputNs);
    }
    this.end();
  }

  /** A request was answered with its outputs: it waited `queueNs`, then its execution took `compute`. */
  recordSuccess(queueNs: number, compute: ComputeDurations, nowMs: number): void {
    const f = this.begin();
    f[F.successCount] += 1;
    f[F.successNs] += ns(queueNs + compute.inputNs + compute.inferNs + compute.outputNs);
    f[F.queueCount] += 1;
    f[F.queueNs] += ns(queueNs);
    f[F.inputCount] += 1;
    f[F.inputNs] += ns(compute.inputNs);
    f[F.inferCount] += 1;
    f[F.inferNs] += ns(compute.inferNs);
    f[F.outputCount] += 1;
    f[F.outputNs] += ns(compute.outputNs);
    f[F.lastInference] = Math.max(f[F.lastInference], nowMs);
    this.end();
  }

  /** A request was answered with an error, `durationNs` after it was first queued. */
  recordFailure(durationNs: number, nowMs: number, reason: FailureReason): void {
    const f = this.begin();
    f[F.failCount] += 1;
    f[F.failNs] += ns(durationNs);
    f[F.failures + FAILURE_REASONS.indexOf(reason)] += 1;
    f[F.lastInference] = Math.max(f[F.lastInference], nowMs);
    this.end();
  }

  /**
   * The figures now, consistent (never half a record). A record is a few additions, so a retry is
   * rare; the bound only keeps a reader from spinning for ever on a writer that died mid-record.
   */
  snapshot(): SlotStatistics {
    let f = Float64Array.from(this.fields);
    for (let attempt = 0; attempt < 10_000; attempt++) {
      const before = Atomics.load(this.seq, 0);
      if (before % 2 !== 0) continue;
      f = Float64Array.from(this.fields);
      if (Atomics.load(this.seq, 0) === before) break;
    }
    return statisticsOf(f, this.rows);
  }

  private begin(): Float64Array {
    Atomics.add(this.seq, 0, 1);
    return this.fields;
  }

  private end(): void {
    Atomics.add(this.seq, 0, 1);
  }
}

function statisticsOf(f: Float64Array, rows: number): SlotStatistics {
  const stat = (count: number, total: number): DurationStat => ({ count: f[count], ns: f[total] });
  const batches: Record<string, BatchStatistics> = {};
  for (let size = 1; size <= rows; size++) {
    const row = FIELDS + 4 * (size - 1);
    if (f[row] > 0) batches[String(size)] = { count: f[row], computeInputNs: f[row + 1], computeInferNs: f[row + 2], computeOutputNs: f[row + 3] };
  }
  return {
    success: stat(F.successCount, F.successNs),
    fail: stat(F.failCount, F.failNs),
    queue: stat(F.queueCount, F.queueNs),
    computeInput: stat(F.inputCount, F.inputNs),
    computeInfer: stat(F.inferCount, F.inferNs),
    computeOutput: stat(F.outputCount, F.outputNs),
    inferenceCount: f[F.inferences],
    executionCount: f[F.executions],
    lastInference: f[F.lastInference],
    batches,
    failures: Object.fromEntries(FAILURE_REASONS.map((reason, i) => [reason, f[F.failures + i]])) as FailureCounts,
  };
}

/** Statistics of nothing: every count 0. */
export function emptyStatistics(): SlotStatistics {
  return sumStatistics([]);
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
    failures: Object.fromEntries(FAILURE_REASONS.map((reason) => [reason, all.reduce((sum, s) => sum + (s.failures?.[reason] ?? 0), 0)])) as FailureCounts,
  };
}

const zero = (): DurationStat => ({ count: 0, ns: 0 });
const ns = (value: number) => Math.max(0, Math.round(value));
const plus = (a: DurationStat, b: DurationStat): DurationStat => ({ count: a.count + b.count, ns: a.ns + b.ns });
