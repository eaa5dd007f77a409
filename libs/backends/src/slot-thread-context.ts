// The thread's side of SlotWorker's lifecycle, for the thread scripts owners supply: what the
// thread was started with, loading the model, and the one report SlotWorker waits for — `ready`,
// or why the model did not load. Runs inside the worker thread.
import { parentPort, workerData, type MessagePort, type Transferable } from 'node:worker_threads';
import { loadRunner } from './runners/load-runner';
import type { ModelRunner } from './runners/model-runner';
import type { LifecycleReport, SlotThreadData, ThreadMessage } from './slot-messages';
import type { SlotSpec } from './slot-spec';

export class SlotThreadContext<Data = unknown> {
  readonly spec: SlotSpec;
  /** SlotWorkerOptions.data, as the owner gave it. */
  readonly data: Data;
  /** The owner's messages arrive here (`close` among them); listen with `port.on('message', …)`. */
  readonly port: MessagePort;

  /** The context of the worker thread this runs in; throws anywhere else. */
  constructor() {
    if (!parentPort) throw new Error('a slot thread script must be started as a worker thread by SlotWorker');
    const { spec, data } = workerData as SlotThreadData;
    this.spec = spec;
    this.data = data as Data;
    this.port = parentPort;
  }

  /**
   * Loads the slot's model with its backend's runner. When it cannot be loaded, tells the owner
   * why (SlotWorker.start rejects with it), closes the port so the thread ends, and resolves undefined.
   */
  async loadRunner(): Promise<ModelRunner | undefined> {
    try {
      return await loadRunner(this.spec);
    } catch (error) {
      this.send({ kind: 'load-failed', message: error instanceof Error ? error.message : String(error) });
      this.port.close();
      return undefined;
    }
  }

  /** Tells the owner the slot can work: SlotWorker.start resolves. */
  ready(runner: ModelRunner): void {
    this.send({ kind: 'ready', inputNames: [...runner.inputNames], outputNames: [...runner.outputNames] });
  }

  /** Sends the owner a message; buffers in `transferList` move to it. */
  send(message: ThreadMessage | LifecycleReport, transferList: readonly Transferable[] = []): void {
    this.port.postMessage(message, transferList);
  }
}
