// When to stop measuring. Like perf_analyzer: keep taking windows until the most recent ones agree
// on both throughput and latency within a relative threshold (default 10 %). Load from other
// processes on a 2-core machine makes single windows jumpy; agreement is what makes a figure usable.
import type { WindowFigures } from './window';

/** True when a and b differ by at most `threshold` relative to their mean (0.1 = 10 %). */
export function agreeWithin(a: number, b: number, threshold: number): boolean {
  if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
  if (a === b) return true;
  const mean = (Math.abs(a) + Math.abs(b)) / 2;
  return Math.abs(a - b) / mean <= threshold;
}

/**
 * Whether the last `count` windows (at least 2) all agree pairwise on throughput and p50 latency.
 * A window without one successful request, or with failed ones, never counts as stable.
 */
export function isStable(windows: readonly WindowFigures[], threshold: number, count = 2): boolean {
  if (count < 2) throw new RangeError(`stability needs at least 2 windows to compare, got ${count}`);
  if (windows.length < count) return false;
  const tail = windows.slice(-count);
  if (tail.some((w) => w.completed === 0 || w.errors > 0)) return false;
  for (let i = 0; i < tail.length; i++) {
    for (let j = i + 1; j < tail.length; j++) {
      if (!agreeWithin(tail[i].throughput, tail[j].throughput, threshold)) return false;
      if (!agreeWithin(tail[i].latency.p50Ms, tail[j].latency.p50Ms, threshold)) return false;
    }
  }
  return true;
}
