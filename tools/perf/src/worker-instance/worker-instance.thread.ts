// Entry point of a WorkerInstance's thread: it loads the model and runs one request at a time,
// as the main thread sends them. Inference blocks this thread, which is the point: the main
// thread and the other instances stay free. Loaded by WorkerInstance as the compiled
// `worker-instance.thread.js`.
import { describeSlot, SlotThreadContext, type ModelRunner, type ThreadMessage } from '@flotilla/backends';
import { FlotillaError, type WireError } from '@flotilla/contracts';
import { prepareForTransfer } from './tensor-transfer';
import type { ExecuteRequest, FromInstanceThread } from './worker-instance-messages';

const thread = new SlotThreadContext();
const { spec } = thread;
const epochNowMs = () => performance.timeOrigin + performance.now();
const send = (message: FromInstanceThread, transferList?: ArrayBuffer[]) => thread.send(message, transferList);

async function execute(runner: ModelRunner, request: ExecuteRequest): Promise<void> {
  const computeStartMs = epochNowMs();
  try {
    const outputs = await runner.run(request.inputs, request.outputNames);
    const computeEndMs = epochNowMs();
    const { tensors, transferList } = prepareForTransfer(outputs);
    send({ kind: 'result', id: request.id, outputs: tensors, computeStartMs, computeEndMs }, transferList);
  } catch (error) {
    send({ kind: 'execute-failed', id: request.id, error: toWireError(error) });
  }
}

function toWireError(error: unknown): WireError {
  if (error instanceof FlotillaError) return error.toWire();
  return { code: 'INTERNAL', message: `${describeSlot(spec)}: ${spec.backend} failed to run: ${error instanceof Error ? error.message : String(error)}` };
}

void thread.loadRunner().then((runner) => {
  if (!runner) return; // SlotWorker.start rejects with the reason; the thread ends
  thread.ready(runner);
  thread.port.on('message', (message: ThreadMessage) => {
    if (message.kind === 'execute') {
      void execute(runner, message as ExecuteRequest);
    } else {
      // `close`: releasing the model and closing the port empties the event loop, so the thread exits with code 0.
      void runner.release().finally(() => thread.port.close());
    }
  });
});
