// Latency percentiles the way perf_analyzer reports them: nearest-rank on the sorted samples, so
// every reported figure is a latency some request really had (no interpolation between two).

export interface LatencySummary {
  readonly count: number;
  readonly minMs: number;
  readonly meanMs: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

/** Nearest-rank percentile of samples already sorted ascending; NaN for no samples. */
export function percentileOfSorted(sorted: ArrayLike<number>, percent: number): number {
  if (percent < 0 || percent > 100) throw new RangeError(`percentile must be within 0..100, got ${percent}`);
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((percent / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export function summarizeLatencies(latenciesMs: ArrayLike<number>): LatencySummary {
  // Float64Array sorts numerically; Array.prototype.sort would compare as strings.
  const sorted = Float64Array.from(latenciesMs).sort();
  let total = 0;
  for (const value of sorted) total += value;
  return {
    count: sorted.length,
    minMs: sorted.length ? sorted[0] : Number.NaN,
    meanMs: sorted.length ? total / sorted.length : Number.NaN,
    p50Ms: percentileOfSorted(sorted, 50),
    p90Ms: percentileOfSorted(sorted, 90),
    p99Ms: percentileOfSorted(sorted, 99),
    maxMs: sorted.length ? sorted[sorted.length - 1] : Number.NaN,
  };
}
