// One measurement window: what completed in it, and the figures derived from that.
import { summarizeLatencies, type LatencySummary } from './percentiles';

export interface WindowSample {
  /** Wall-clock length of the window. */
  readonly durationMs: number;
  /** Latency of every request that completed successfully within the window. */
  readonly latenciesMs: readonly number[];
  readonly errors: number;
  /** Request payload bytes of the successful requests' tensors (for MB/s figures). */
  readonly tensorBytes: number;
}

export interface WindowFigures {
  readonly durationMs: number;
  readonly completed: number;
  readonly errors: number;
  /** Successful inferences per second. */
  readonly throughput: number;
  /** Input tensor megabytes (10^6 bytes) per second. */
  readonly megabytesPerSecond: number;
  readonly latency: LatencySummary;
}

export function windowFigures(sample: WindowSample): WindowFigures {
  const seconds = sample.durationMs / 1000;
  return {
    durationMs: sample.durationMs,
    completed: sample.latenciesMs.length,
    errors: sample.errors,
    throughput: seconds > 0 ? sample.latenciesMs.length / seconds : 0,
    megabytesPerSecond: seconds > 0 ? sample.tensorBytes / 1e6 / seconds : 0,
    latency: summarizeLatencies(sample.latenciesMs),
  };
}

/** Several windows pooled as one longer window: the figure reported once measurements are stable. */
export function mergeSamples(samples: readonly WindowSample[]): WindowSample {
  return {
    durationMs: samples.reduce((sum, s) => sum + s.durationMs, 0),
    latenciesMs: samples.flatMap((s) => s.latenciesMs),
    errors: samples.reduce((sum, s) => sum + s.errors, 0),
    tensorBytes: samples.reduce((sum, s) => sum + s.tensorBytes, 0),
  };
}
