import { percentileOfSorted, summarizeLatencies } from './percentiles';

describe('percentileOfSorted (nearest rank)', () => {
  const hundred = Array.from({ length: 100 }, (_, i) => i + 1); // 1..100

  it('picks the sample at rank ceil(p/100 · n), never interpolating', () => {
    expect(percentileOfSorted(hundred, 50)).toBe(50);
    expect(percentileOfSorted(hundred, 90)).toBe(90);
    expect(percentileOfSorted(hundred, 99)).toBe(99);
    expect(percentileOfSorted(hundred, 99.5)).toBe(100);
    expect(percentileOfSorted([1, 2, 3, 4], 50)).toBe(2);
    expect(percentileOfSorted([1, 2, 3, 4], 51)).toBe(3);
  });

  it('clamps to the first and last sample at 0 and 100', () => {
    expect(percentileOfSorted(hundred, 0)).toBe(1);
    expect(percentileOfSorted(hundred, 100)).toBe(100);
  });

  it('answers the only sample for any percentile of one', () => {
    expect(percentileOfSorted([7], 1)).toBe(7);
    expect(percentileOfSorted([7], 99)).toBe(7);
  });

  it('is NaN for no samples and refuses percentiles outside 0..100', () => {
    expect(percentileOfSorted([], 50)).toBeNaN();
    expect(() => percentileOfSorted(hundred, 101)).toThrow(RangeError);
    expect(() => percentileOfSorted(hundred, -1)).toThrow(RangeError);
  });
});

describe('summarizeLatencies', () => {
  it('sorts numerically, not as strings', () => {
    const summary = summarizeLatencies([10, 9, 100, 2, 1]);
    expect(summary.minMs).toBe(1);
    expect(summary.maxMs).toBe(100);
    expect(summary.p50Ms).toBe(9);
  });

  it('computes the mean and leaves the caller’s array alone', () => {
    const samples = [3, 1, 2];
    const summary = summarizeLatencies(samples);
    expect(summary.meanMs).toBe(2);
    expect(summary.count).toBe(3);
    expect(samples).toEqual([3, 1, 2]);
  });

  it('reports NaN figures for an empty window', () => {
    const summary = summarizeLatencies([]);
    expect(summary.count).toBe(0);
    expect(summary.p50Ms).toBeNaN();
    expect(summary.meanMs).toBeNaN();
  });
});
