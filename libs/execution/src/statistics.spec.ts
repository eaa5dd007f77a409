import { SlotStatisticsRecorder, sumStatistics } from './statistics';

describe('slot statistics', () => {
  it("counts successes, failures, inferences and executions as Triton's statistics do", () => {
    const recorder = new SlotStatisticsRecorder();
    recorder.recordSuccess(1, 1000, 5000, 10);
    recorder.recordSuccess(8, 0, 9000, 20);
    recorder.recordFailure(300, 30);
    expect(recorder.snapshot()).toEqual({
      success: { count: 2, ns: 15000 },
      fail: { count: 1, ns: 300 },
      queue: { count: 2, ns: 1000 },
      computeInfer: { count: 2, ns: 14000 },
      inferenceCount: 9,
      executionCount: 2,
      lastInference: 30,
      batches: { '1': { count: 1, ns: 5000 }, '8': { count: 1, ns: 9000 } },
    });
  });

  it('sums slots, batch sizes included, keeping the latest inference time', () => {
    const a = new SlotStatisticsRecorder();
    const b = new SlotStatisticsRecorder();
    a.recordSuccess(1, 10, 20, 5);
    b.recordSuccess(1, 30, 40, 7);
    b.recordSuccess(2, 0, 50, 6);
    const total = sumStatistics([a.snapshot(), b.snapshot()]);
    expect(total.success).toEqual({ count: 3, ns: 150 });
    expect(total.batches).toEqual({ '1': { count: 2, ns: 60 }, '2': { count: 1, ns: 50 } });
    expect(total.lastInference).toBe(7);
    expect(sumStatistics([]).executionCount).toBe(0);
  });
});
