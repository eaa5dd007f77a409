// Baseline (a), the scaling floor: N onnxruntime sessions on N worker threads (WorkerInstance,
// whose threads SlotWorker starts as it does Flotilla's slots), each running back to back. Two
// workers over one is the most a `count: 2` instance group can gain on this machine, with no HTTP
// or messaging in the way.
import type { Tensor } from '@flotilla/contracts';
import { performance } from 'node:perf_hooks';
import { WorkerInstance } from '../worker-instance/worker-instance';
import { transferableCopy } from './sample-inputs';

export async function workerThreadsThroughput(modelPath: string, inputs: readonly Tensor[], workers: number, durationMs: number, intraOpThreads = 1): Promise<number> {
  const slots = await Promise.all(
    Array.from({ length: workers }, (_, index) =>
      WorkerInstance.start({
        slotId: `floor_${index}`,
        modelName: 'floor',
        modelVersion: 1,
        modelPath,
        backend: 'onnxruntime',
        executionProvider: 'cpu',
        deviceId: 0,
        intraOpThreads,
        interOpThreads: 1,
      }),
    ),
  );
  try {
    await Promise.all(slots.map((slot) => slot.execute(transferableCopy(inputs))));
    const started = performance.now();
    const counts = await Promise.all(
      slots.map(async (slot) => {
        let runs = 0;
        while (performance.now() - started < durationMs) {
          await slot.execute(transferableCopy(inputs));
          runs++;
        }
        return runs;
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    return counts.reduce((a, b) => a + b, 0) / seconds;
  } finally {
    await Promise.all(slots.map((slot) => slot.close()));
  }
}
