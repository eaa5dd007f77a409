import { slotUtilisation } from './slot-utilisation';

describe('slotUtilisation', () => {
  it('measures busy time and the idle gap before each next run, per instance', () => {
    const [a, b] = slotUtilisation([
      { instance: 'm_0', startMs: 10, endMs: 11 },
      { instance: 'm_0', startMs: 0, endMs: 1 },
      { instance: 'm_0', startMs: 4, endMs: 5 },
      { instance: 'm_1', startMs: 0, endMs: 2 },
    ]);
    expect(a.instance).toBe('m_0');
    expect(a.runs).toBe(3);
    expect(a.busyMs.p50Ms).toBe(1);
    expect(a.idleGapMs.count).toBe(2);
    expect(a.idleGapMs.maxMs).toBe(5);
    expect(a.utilisation).toBeCloseTo(3 / 11);
    expect(b).toMatchObject({ instance: 'm_1', runs: 1, utilisation: 1 });
  });
});
