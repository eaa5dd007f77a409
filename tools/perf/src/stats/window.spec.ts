import { mergeSamples, windowFigures } from './window';

describe('windowFigures', () => {
  it('derives throughput and MB/s from the window length', () => {
    const figures = windowFigures({ durationMs: 2000, latenciesMs: [1, 2, 3, 4], errors: 1, tensorBytes: 4_000_000 });
    expect(figures.throughput).toBe(2);
    expect(figures.megabytesPerSecond).toBe(2);
    expect(figures.completed).toBe(4);
    expect(figures.errors).toBe(1);
    expect(figures.latency.p50Ms).toBe(2);
  });

  it('is zero, not Infinity, for a window of no length', () => {
    expect(windowFigures({ durationMs: 0, latenciesMs: [], errors: 0, tensorBytes: 0 }).throughput).toBe(0);
  });
});

describe('mergeSamples', () => {
  it('pools windows as one longer window', () => {
    const merged = mergeSamples([
      { durationMs: 1000, latenciesMs: [1], errors: 0, tensorBytes: 10 },
      { durationMs: 1000, latenciesMs: [2, 3], errors: 2, tensorBytes: 20 },
    ]);
    expect(merged).toEqual({ durationMs: 2000, latenciesMs: [1, 2, 3], errors: 2, tensorBytes: 30 });
    expect(windowFigures(merged).throughput).toBe(1.5);
  });
});
