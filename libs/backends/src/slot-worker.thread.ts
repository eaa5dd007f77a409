// Entry point of one slot's worker thread: it loads the slot's model with its backend's runner
// and runs one request at a time. Inference blocks this thread, which is the point: the main
// thread and the other slots stay free. Loaded by SlotWorker as the compiled `slot-worker.thread.js`.
import { FlotillaError, WireError } from '@flotilla/contracts';
import { MessagePort, parentPort, workerData } from 'node:worker_threads';
import { loadRunner } from './runners/load-runner';
import type { ModelRunner } from './runners/model-runner';
import { describeSlot } from './slot-spec';
import type { FromSlotThread, SlotThreadData, ToSlotThread } from './slot-messages';
import { prepareForTransfer } from './tensor-transfer';

const { spec } = workerData as SlotThreadData;
const port = requireParentPort();

const send = (message: FromSlotThread, transferList: ArrayBuffer[] = []) => port.postMessage(message, transferList);
const epochNowMs = () => performance.timeOrigin + performance.now();

async function load(): Promise<ModelRunner | undefined> {
  try {
    const runner = await loadRunner(spec);
    send({ kind: 'ready', inputNames: [...runner.inputNames], outputNames: [...runner.outputNames] });
    return runner;
  } catch (error) {
    send({ kind: 'load-failed', message: errorMessage(error) });
    port.close();
    return undefined;
  }
}

async function execute(runner: ModelRunner, message: Extract<ToSlotThread, { kind: 'execute' }>): Promise<void> {
  const computeStartMs = epochNowMs();
  try {
    const outputs = await runner.run(message.inputs, message.outputNames);
    const computeEndMs = epochNowMs();
    const { tensors, transferList } = prepareForTransfer(outputs);
    send({ kind: 'result', id: message.id, outputs: tensors, computeStartMs, computeEndMs }, transferList);
  } catch (error) {
    send({ kind: 'execute-failed', id: message.id, error: toWireError(error) });
  }
}

function toWireError(error: unknown): WireError {
  if (error instanceof FlotillaError) return error.toWire();
  return { code: 'INTERNAL', message: `${describeSlot(spec)}: ${spec.backend} failed to run: ${errorMessage(error)}` };
}

function requireParentPort(): MessagePort {
  if (!parentPort) throw new Error('slot-worker.thread must be started as a worker thread by SlotWorker');
  return parentPort;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

void load().then((runner) => {
  if (!runner) return;
  port.on('message', (message: ToSlotThread) => {
    if (message.kind === 'execute') {
      void execute(runner, message);
    } else {
      // Releasing the model and closing the port empties the event loop: the thread exits with code 0.
      void runner.release().finally(() => port.close());
    }
  });
});
