// The floor of two instances that share one exclusive resource: two onnxruntime sessions on two
// worker threads (started by SlotWorker, as Flotilla's slots are) that take turns, each passing
// the turn straight to the other on a MessagePort the moment its run returns — nothing deciding,
// no message to any other thread. Against it, one such thread running back to back. On the
// 2-core development VM the pair loses 0–15 % to the single thread from run to run before any
// scheduler is involved (a thread that waited for its turn may start on the busier core), so this
// is about what an exclusive pair can reach here: a yardstick for what is left to Flotilla.
import { SlotWorker, type ThreadMessage } from '@flotilla/backends';
import type { Tensor } from '@flotilla/contracts';
import { join } from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import type { TakeTurns, TurnsDone } from './taking-turns-messages';
import { transferableCopy } from './sample-inputs';

const THREAD_SCRIPT = join(__dirname, 'taking-turns.thread.js');
const WARM_UP_MS = 500;

/** Runs per second of `threads` threads taking turns (1: one thread back to back) over `durationMs`. */
export async function takingTurnsThroughput(modelPath: string, inputs: readonly Tensor[], outputNames: readonly string[], threads: 1 | 2, durationMs: number): Promise<number> {
  const done: Promise<number>[] = [];
  const reports: ((runs: number) => void)[] = [];
  const workers = await Promise.all(
    Array.from({ length: threads }, (_, index) => {
      done.push(new Promise((resolve) => reports.push(resolve)));
      return SlotWorker.start(
        { slotId: `turns_${index}`, modelName: 'turns', modelVersion: 1, modelPath, backend: 'onnxruntime', executionProvider: 'cpu', deviceId: 0, intraOpThreads: 1, interOpThreads: 1 },
        { threadScript: THREAD_SCRIPT, onMessage: (message: ThreadMessage) => message.kind === 'turns-done' && reports[index]((message as TurnsDone).runs) },
      );
    }),
  );
  try {
    const fromMs = Date.now() + WARM_UP_MS;
    const untilMs = fromMs + durationMs;
    const channel = threads === 2 ? new MessageChannel() : undefined;
    workers.forEach((worker, index) => {
      const port = channel && (index === 0 ? channel.port1 : channel.port2);
      const message: TakeTurns = { kind: 'take-turns', inputs: transferableCopy(inputs), outputNames: [...outputNames], fromMs, untilMs, ...(port ? { next: port, first: index === 0 } : {}) };
      worker.postToThread(message, port ? [port as unknown as ArrayBuffer] : []);
    });
    const runs = (await Promise.all(done)).reduce((a, b) => a + b, 0);
    return runs / (durationMs / 1000);
  } finally {
    await Promise.all(workers.map((worker) => worker.close()));
  }
}
