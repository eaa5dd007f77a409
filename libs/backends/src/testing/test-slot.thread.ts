// A tiny thread script for SlotWorker's lifecycle tests (compiled to
// dist/libs/backends/src/testing/test-slot.thread.js): it loads the model through
// SlotThreadContext like any owner's script, then answers a few messages of its own —
//   echo  → echoed, with the bytes it was sent (transferred back)
//   run   → ran, after running the model once on the inputs it was sent
//   crash → an uncaught exception, which kills the thread (dying this way, not by
//           Worker.terminate(), matters: terminating a thread inside session.run aborts the process)
// and on close waits for a run in progress before it releases the model and ends.
// workerData.data `{ crashWhileLoading: true }` makes it die before it reports anything.
import type { Tensor } from '@flotilla/contracts';
import type { ThreadMessage } from '../slot-messages';
import { SlotThreadContext } from '../slot-thread-context';

const thread = new SlotThreadContext<{ crashWhileLoading?: boolean } | undefined>();
if (thread.data?.crashWhileLoading) throw new Error('simulated crash while loading');

void thread.loadRunner().then((runner) => {
  if (!runner) return;
  thread.ready(runner);
  let running: Promise<unknown> = Promise.resolve();
  thread.port.on('message', (message: ThreadMessage) => {
    switch (message.kind) {
      case 'echo': {
        const bytes = message.bytes as Uint8Array;
        return thread.send({ kind: 'echoed', bytes }, [bytes.buffer as ArrayBuffer]);
      }
      case 'run':
        running = runner.run(message.inputs as Tensor[], runner.outputNames).then((outputs) => thread.send({ kind: 'ran', outputs: outputs.map((o) => o.name) }));
        return;
      case 'crash':
        throw new Error('simulated crash in the slot thread');
      case 'close':
        void running.finally(() => runner.release()).finally(() => thread.port.close());
    }
  });
});
