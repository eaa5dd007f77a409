// Entry point of one slot's worker thread: it owns one ONNX Runtime session and runs it.
// `session.run` blocks this thread for the whole inference, which is the point: the main thread
// (and the other slots) stay free. Loaded by SlotWorker as the compiled `slot-worker.thread.js`.
import { FlotillaError, WireError } from '@flotilla/contracts';
import { InferenceSession } from 'onnxruntime-node';
import { MessagePort, parentPort, workerData } from 'node:worker_threads';
import { fromOrtTensor, toOrtTensor } from './ort-tensor-conversion';
import { describeSlot, SlotSpec } from './slot-spec';
import type { FromSlotThread, ToSlotThread } from './slot-messages';
import { sessionOptionsFor } from './session-options';
import { prepareForTransfer } from './tensor-transfer';

const spec = workerData as SlotSpec;
const port = requireParentPort();

const send = (message: FromSlotThread, transferList: ArrayBuffer[] = []) => port.postMessage(message, transferList);
const epochNowMs = () => performance.timeOrigin + performance.now();

async function load(): Promise<InferenceSession | undefined> {
  try {
    const session = await InferenceSession.create(spec.modelPath, sessionOptionsFor(spec));
    send({ kind: 'ready', inputNames: [...session.inputNames], outputNames: [...session.outputNames] });
    return session;
  } catch (error) {
    send({ kind: 'load-failed', message: errorMessage(error) });
    port.close();
    return undefined;
  }
}

async function execute(session: InferenceSession, message: Extract<ToSlotThread, { kind: 'execute' }>): Promise<void> {
  const computeStartMs = epochNowMs();
  try {
    const feeds = Object.fromEntries(message.inputs.map((tensor) => [tensor.name, toOrtTensor(tensor)]));
    const results = await session.run(feeds, message.outputNames);
    const outputs = message.outputNames.map((name) => fromOrtTensor(name, results[name]));
    const computeEndMs = epochNowMs();
    const { tensors, transferList } = prepareForTransfer(outputs);
    send({ kind: 'result', id: message.id, outputs: tensors, computeStartMs, computeEndMs }, transferList);
  } catch (error) {
    send({ kind: 'execute-failed', id: message.id, error: toWireError(error) });
  }
}

function toWireError(error: unknown): WireError {
  if (error instanceof FlotillaError) return error.toWire();
  return { code: 'INTERNAL', message: `${describeSlot(spec)}: onnxruntime failed to run: ${errorMessage(error)}` };
}

function requireParentPort(): MessagePort {
  if (!parentPort) throw new Error('slot-worker.thread must be started as a worker thread by SlotWorker');
  return parentPort;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

void load().then((session) => {
  if (!session) return;
  port.on('message', (message: ToSlotThread) => {
    if (message.kind === 'execute') {
      void execute(session, message);
    } else {
      // Releasing the session and closing the port empties the event loop: the thread exits with code 0.
      void session.release().finally(() => port.close());
    }
  });
});
