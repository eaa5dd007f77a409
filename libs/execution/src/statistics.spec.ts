import { SlotStatisticsRecorder, sumStatistics } from './statistics';

const compute = (inputNs: number, inferNs: number, outputNs: number) => ({ inputNs, inferNs, outputNs });

describe('slot statistics', () => {
  it("counts successes, failures, inferences and executions as Triton's statistics do", () => {
    const recorder = new SlotStatisticsRecorder(8);
    recorder.recordExecution(1, compute(100, 5000, 200));
    recorder.recordSuccess(1000, compute(100, 5000, 200), 10);
    recorder.recordExecution(8, compute(0, 9000, 0));
    recorder.recordSuccess(0, compute(0, 9000, 0), 20);
    recorder.recordFailure(300, 30, 'BACKEND');
    expect(recorder.snapshot()).toEqual({
      success: { count: 2, ns: 15300 },
      fail: { count: 1, ns: 300 },
      queue: { count: 2, ns: 1000 },
      computeInput: { count: 2, ns: 100 },
      computeInfer: { count: 2, ns: 14000 },
      computeOutput: { count: 2, ns: 200 },
      inferenceCount: 9,
      executionCount: 2,
      lastInference: 30,
      batches: {
        '1': { count: 1, computeInputNs: 100, computeInferNs: 5000, computeOutputNs: 200 },
        '8': { count: 1, computeInputNs: 0, computeInferNs: 9000, computeOutputNs: 0 },
      },
      failures: { REJECTED: 0, CANCELED: 0, BACKEND: 1, OTHER: 0 },
    });
  });

  it('counts a batch of three requests (rows 1 + 2 + 3) as 6 inferences, 1 execution and 3 successes, each with its own queue time', () => {
    const recorder = new SlotStatisticsRecorder(8);
    const shared = compute(10, 600, 20);
    recorder.recordExecution(6, shared);
    for (const queueNs of [1000, 2000, 3000]) recorder.recordSuccess(queueNs, shared, 5);
    const stats = recorder.snapshot();
    expect(stats).toMatchObject({ inferenceCount: 6, executionCount: 1, success: { count: 3 }, queue: { count: 3, ns: 6000 }, fail: { count: 0 } });
    // Each request is charged its execution's compute, as Triton does; the batch row counts it once.
    expect(stats.computeInfer).toEqual({ count: 3, ns: 1800 });
    expect(stats.batches).toEqual({ '6': { count: 1, computeInputNs: 10, computeInferNs: 600, computeOutputNs: 20 } });
  });

  it('sums slots, batch sizes included, keeping the latest inference time', () => {
    const a = new SlotStatisticsRecorder(2);
    const b = new SlotStatisticsRecorder(2);
    a.recordExecution(1, compute(1, 20, 2));
    a.recordSuccess(10, compute(1, 20, 2), 5);
    b.recordExecution(1, compute(3, 40, 4));
    b.recordSuccess(30, compute(3, 40, 4), 7);
    b.recordExecution(2, compute(0, 50, 0));
    b.recordSuccess(0, compute(0, 50, 0), 6);
    const total = sumStatistics([a.snapshot(), b.snapshot()]);
    expect(total.success).toEqual({ count: 3, ns: 160 });
    expect(total.computeInput).toEqual({ count: 3, ns: 4 });
    expect(total.computeOutput).toEqual({ count: 3, ns: 6 });
    expect(total.batches).toEqual({
      '1': { count: 2, computeInputNs: 4, computeInferNs: 60, computeOutputNs: 6 },
      '2': { count: 1, computeInputNs: 0, computeInferNs: 50, computeOutputNs: 0 },
    });
    expect(total.lastInference).toBe(7);
    expect(sumStatistics([]).executionCount).toBe(0);
  });

  it('is read through the shared buffer by another recorder, at once and whole', async () => {
    const writer = new SlotStatisticsRecorder(4);
    const reader = SlotStatisticsRecorder.over(writer.buffer);
    const before = reader.version;
    writer.recordExecution(3, compute(1, 2, 3));
    writer.recordSuccess(10, compute(1, 2, 3), 99);
    writer.recordFailure(5, 100, 'REJECTED');
    expect(reader.version).toBeGreaterThan(before);
    expect(reader.snapshot()).toEqual(writer.snapshot());
    expect(reader.snapshot()).toMatchObject({ inferenceCount: 3, success: { count: 1 }, fail: { count: 1, ns: 5 }, failures: { REJECTED: 1 }, batches: { '3': { count: 1 } } });
    // Across threads, as the serving thread and the executor's main thread share it.
    const { Worker } = await import('node:worker_threads');
    const script = `const { workerData, parentPort } = require('node:worker_threads');
      const f = new Float64Array(workerData, 8); const s = new Int32Array(workerData, 0, 2);
      Atomics.add(s, 0, 1); f[12] += 7; f[13] += 1; Atomics.add(s, 0, 1); parentPort.postMessage('done');`;
    const worker = new Worker(script, { eval: true, workerData: writer.buffer });
    await new Promise((resolve) => worker.once('message', resolve));
    await worker.terminate();
    expect(reader.snapshot()).toMatchObject({ inferenceCount: 10, executionCount: 2 });
  });

  it('leaves a batch size beyond max_batch_size out of the batch rows only', () => {
    const recorder = new SlotStatisticsRecorder(2);
    recorder.recordExecution(3, compute(0, 1, 0));
    expect(recorder.snapshot()).toMatchObject({ inferenceCount: 3, executionCount: 1, batches: {} });
  });
});
