import { agreeWithin, isStable } from './stability';
import { windowFigures, type WindowFigures } from './window';

/** A window of `count` requests in one second, every one taking `latencyMs`. */
function window(count: number, latencyMs: number, errors = 0): WindowFigures {
  return windowFigures({ durationMs: 1000, latenciesMs: Array(count).fill(latencyMs), errors, tensorBytes: 0 });
}

describe('agreeWithin', () => {
  it('compares the difference with the mean of the two', () => {
    expect(agreeWithin(100, 110, 0.1)).toBe(true); // 10 / 105
    expect(agreeWithin(100, 112, 0.1)).toBe(false); // 12 / 106
    expect(agreeWithin(0, 0, 0.1)).toBe(true);
  });

  it('is symmetric', () => {
    expect(agreeWithin(110, 100, 0.1)).toBe(agreeWithin(100, 110, 0.1));
  });

  it('never agrees on NaN or infinity', () => {
    expect(agreeWithin(Number.NaN, Number.NaN, 0.5)).toBe(false);
    expect(agreeWithin(1, Number.POSITIVE_INFINITY, 0.5)).toBe(false);
  });
});

describe('isStable', () => {
  it('needs two windows', () => {
    expect(isStable([], 0.1)).toBe(false);
    expect(isStable([window(100, 1)], 0.1)).toBe(false);
  });

  it('is stable when the last two windows agree on throughput and p50', () => {
    expect(isStable([window(10, 9), window(100, 1), window(104, 1.05)], 0.1)).toBe(true);
  });

  it('looks only at the most recent windows', () => {
    expect(isStable([window(100, 1), window(104, 1), window(300, 1)], 0.1)).toBe(false);
  });

  it('is not stable when throughput agrees but latency does not', () => {
    expect(isStable([window(100, 1), window(100, 1.5)], 0.1)).toBe(false);
  });

  it('is not stable when latency agrees but throughput does not', () => {
    expect(isStable([window(100, 1), window(150, 1)], 0.1)).toBe(false);
  });

  it('never calls empty or failing windows stable', () => {
    expect(isStable([window(0, 1), window(0, 1)], 0.1)).toBe(false);
    expect(isStable([window(100, 1), window(100, 1, 3)], 0.1)).toBe(false);
  });

  it('can demand more than two agreeing windows', () => {
    const windows = [window(80, 1), window(100, 1), window(101, 1)];
    expect(isStable(windows, 0.1, 2)).toBe(true);
    expect(isStable(windows, 0.1, 3)).toBe(false);
    expect(() => isStable(windows, 0.1, 1)).toThrow(RangeError);
  });
});
