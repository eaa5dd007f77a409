// One instance slot's worker thread as seen from its owner's thread: started with a thread script
// the owner supplies (the executor's serving thread, a benchmark's instance), which loads the
// slot's model and says it is ready; then ended on request, or found dead. What the thread does in
// between, and the messages that takes, belong to the owner and its script (ThreadMessage).
import { FlotillaError } from '@flotilla/contracts';
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { describeSlot, type SlotExit, type SlotSpec } from './slot-spec';
import { isLifecycleReport, type CloseThread, type LifecycleReport, type SlotThreadData, type ThreadMessage } from './slot-messages';
import { WorkerStateMachine, type WorkerState } from './worker-state';

export interface SlotWorkerOptions {
  /**
   * The compiled thread script (a worker thread cannot load TypeScript). It reads SlotThreadData
   * from workerData, loads the model, reports `ready` or `load-failed`, and on `close` releases
   * the model and lets the thread end (SlotThreadContext does the reporting).
   */
  readonly threadScript: string;
  /** Reaches the thread as `workerData.data`. */
  readonly data?: unknown;
  /** Hears every message of the thread's own kinds (all but the lifecycle's `ready` and `load-failed`). */
  onMessage?(message: ThreadMessage): void;
}

export type SlotExitListener = (exit: SlotExit) => void;

export class SlotWorker {
  private readonly machine: WorkerStateMachine;
  private readonly exitListeners: SlotExitListener[] = [];
  private closing = false;
  private lastThreadError: Error | undefined;
  private readonly exited: Promise<number>;
  private names: { inputNames: string[]; outputNames: string[] } = { inputNames: [], outputNames: [] };
  private readonly loaded: Promise<void>;
  private settleLoad: { resolve(): void; reject(error: Error): void } | undefined;

  /** Resolves once the thread has loaded the model; rejects, naming the model file, when it cannot. */
  static async start(spec: SlotSpec, options: SlotWorkerOptions): Promise<SlotWorker> {
    const { threadScript } = options;
    if (!existsSync(threadScript)) {
      throw new FlotillaError(
        'INTERNAL',
        `${describeSlot(spec)}: worker script ${threadScript} not found; build with 'node tools/build/build.mjs' and run from dist/`,
      );
    }
    const workerData: SlotThreadData = { spec, ...(options.data !== undefined ? { data: options.data } : {}) };
    const slot = new SlotWorker(spec, new Worker(threadScript, { workerData }), options.onMessage);
    await slot.loaded;
    return slot;
  }

  private constructor(
    readonly spec: SlotSpec,
    private readonly worker: Worker,
    onThreadMessage: ((message: ThreadMessage) => void) | undefined,
  ) {
    this.machine = new WorkerStateMachine(describeSlot(spec));
    this.loaded = new Promise<void>((resolve, reject) => {
      this.settleLoad = { resolve, reject };
    });
    this.exited = new Promise<number>((resolve) => worker.once('exit', resolve));
    worker.on('message', (message: LifecycleReport | ThreadMessage) => (isLifecycleReport(message) ? this.onLifecycle(message) : onThreadMessage?.(message)));
    worker.on('error', (error) => (this.lastThreadError = error));
    worker.on('messageerror', (error) => (this.lastThreadError = error));
    worker.once('exit', (code) => this.onExit(code));
  }

  get state(): WorkerState {
    return this.machine.state;
  }

  /** The model's input names, as its runner reported them once loaded. */
  get inputNames(): string[] {
    return this.names.inputNames;
  }

  get outputNames(): string[] {
    return this.names.outputNames;
  }

  /**
   * Sends the thread a message of its own kind; buffers in `transferList` move to the thread
   * (detached here). Dropped once the thread is closed or dead: nobody would read it.
   */
  postToThread(message: ThreadMessage, transferList: readonly ArrayBuffer[] = []): void {
    if (this.state === 'closed' || this.state === 'failed') return;
    this.worker.postMessage(message, transferList);
  }

  /**
   * Asks the thread to release its model and end, and resolves when it has. Safe to call in any
   * state, more than once. The thread is never terminated: Worker.terminate() while onnxruntime is
   * inside session.run aborts the whole process ('terminate called after throwing an instance of
   * Napi::Error', seen with onnxruntime-node 1.30), and only the thread knows whether it is
   * running a model. It finishes what it runs, reads the close message, releases the model and exits.
   */
  async close(): Promise<void> {
    if (this.state === 'closed') return this.exited.then(() => undefined);
    const previous = this.state;
    this.closing = true;
    this.machine.moveTo('closed');
    if (previous !== 'failed') this.worker.postMessage({ kind: 'close' } satisfies CloseThread);
    await this.exited;
  }

  /** Listeners hear every end of the thread; `unexpected` tells a crash from close(). */
  on(event: 'exit', listener: SlotExitListener): this {
    if (event !== 'exit') throw new Error(`SlotWorker emits only 'exit', not '${String(event)}'`);
    this.exitListeners.push(listener);
    return this;
  }

  private onLifecycle(message: LifecycleReport): void {
    if (message.kind === 'ready') {
      this.names = { inputNames: message.inputNames, outputNames: message.outputNames };
      this.machine.moveTo('ready');
      this.settleLoad?.resolve();
      return;
    }
    this.machine.moveTo('failed');
    this.closing = true; // the thread closes its port and ends by itself; that exit is no crash
    const how = this.spec.backend === 'onnxruntime' ? `execution provider ${this.spec.executionProvider}` : `${this.spec.backend} backend`;
    this.settleLoad?.reject(new FlotillaError('INTERNAL', `${describeSlot(this.spec)}: failed to load model file ${this.spec.modelPath} (${how}): ${message.message}`));
  }

  private onExit(exitCode: number): void {
    const unexpected = !this.closing;
    if (unexpected && this.machine.canMoveTo('failed')) {
      const cause = this.lastThreadError ? `: ${this.lastThreadError.message}` : '';
      const wasLoading = this.state === 'loading';
      this.machine.moveTo('failed');
      const what = `${describeSlot(this.spec)}: worker thread exited unexpectedly with code ${exitCode}${cause}`;
      if (wasLoading) this.settleLoad?.reject(new FlotillaError('INTERNAL', `${what} while loading model file ${this.spec.modelPath}`));
    }
    const exit: SlotExit = { slotId: this.spec.slotId, exitCode, unexpected, ...(this.lastThreadError ? { error: this.lastThreadError } : {}) };
    for (const listener of this.exitListeners) listener(exit);
  }
}
