import type { PerfLevelResult } from '../perf-run';
import { median, pooled } from './interleaved-scaling';

const round = (completed: number, durationMs: number, errors = 0): PerfLevelResult =>
  ({
    mode: 'concurrency',
    level: 4,
    stable: true,
    windows: [],
    figures: { durationMs, completed, errors, throughput: completed / (durationMs / 1000), megabytesPerSecond: completed / (durationMs / 1000), latency: { p50Ms: completed } },
  }) as unknown as PerfLevelResult;

describe('pooled rounds', () => {
  it('is the throughput over all rounds together, not the mean of their rates', () => {
    const result = pooled([round(100, 4000), round(60, 2000)]);
    expect(result.figures.completed).toBe(160);
    expect(result.figures.throughput).toBeCloseTo(160 / 6);
    expect(result.figures.megabytesPerSecond).toBeCloseTo(160 / 6);
    expect(result.figures.latency.p50Ms).toBe(60); // the last round's
  });

  it('is not stable when any round had errors', () => {
    expect(pooled([round(10, 1000), round(10, 1000, 1)]).stable).toBe(false);
    expect(pooled([round(10, 1000), round(10, 1000)]).stable).toBe(true);
  });
});

describe('median', () => {
  it('is the middle value, or the mean of the two middle ones', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([1.9, 1.2, 1.8, 1.85])).toBeCloseTo(1.825);
  });
});
