// One instance slot as seen from the executor's main thread: a worker thread that owns one ONNX
// Runtime session, driven one request at a time through an explicit state machine.
import { FlotillaError, Tensor } from '@flotilla/contracts';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { describeSlot, ExecuteResult, SlotExit, SlotSpec, SlotState } from './slot-spec';
import { isBuiltInMessage, type ExtensionMessage, type FromSlotThread, type SlotThreadData, type ToSlotThread } from './slot-messages';
import { SlotStateMachine } from './slot-state';
import { prepareForTransfer } from './tensor-transfer';

export interface SlotWorkerOptions {
  /**
   * The compiled worker entry. Defaults to `slot-worker.thread.js` next to this file, which is
   * right once built to dist/. Tests run this file from its .ts source (Vitest), where no .js sits
   * alongside and a worker thread cannot load TypeScript, so they build dist/ first and point here
   * at dist/libs/backends/src/slot-worker.thread.js.
   */
  readonly threadScript?: string;
  /**
   * For a thread script that does more than run `execute` calls — the executor's serving thread,
   * which takes payloads from NATS itself. `data` reaches the thread as `workerData.extension`;
   * messages of kinds this class does not know go to `onMessage`, and `postToThread` sends the
   * thread messages of its own. Such a thread may be running a model whenever it likes, so
   * close() never terminates it (see close()).
   */
  readonly extension?: { readonly data: unknown; onMessage(message: ExtensionMessage): void };
}

export type SlotExitListener = (exit: SlotExit) => void;

interface InFlight {
  readonly id: number;
  resolve(result: ExecuteResult): void;
  reject(error: Error): void;
}

/** How long close() waits for the thread to release its session before terminating it. */
const CLOSE_GRACE_MS = 5_000;

export class SlotWorker {
  private readonly machine: SlotStateMachine;
  private readonly exitListeners: SlotExitListener[] = [];
  private inFlight: InFlight | undefined;
  private nextRequestId = 1;
  private closing = false;
  private lastThreadError: Error | undefined;
  private readonly exited: Promise<number>;
  private names: { inputNames: string[]; outputNames: string[] } = { inputNames: [], outputNames: [] };
  private readonly loaded: Promise<void>;
  private settleLoad: { resolve(): void; reject(error: Error): void } | undefined;

  /** Resolves once the session is loaded; rejects, naming the model file, when it cannot be. */
  static async start(spec: SlotSpec, options: SlotWorkerOptions = {}): Promise<SlotWorker> {
    const threadScript = options.threadScript ?? join(__dirname, 'slot-worker.thread.js');
    if (!existsSync(threadScript)) {
      throw new FlotillaError(
        'INTERNAL',
        `${describeSlot(spec)}: worker script ${threadScript} not found; build with 'node tools/build/build.mjs' and run from dist/`,
      );
    }
    const workerData: SlotThreadData = { spec, ...(options.extension ? { extension: options.extension.data } : {}) };
    const slot = new SlotWorker(spec, new Worker(threadScript, { workerData }), options.extension?.onMessage);
    await slot.loaded;
    return slot;
  }

  private constructor(
    readonly spec: SlotSpec,
    private readonly worker: Worker,
    private readonly onExtensionMessage?: (message: ExtensionMessage) => void,
  ) {
    this.machine = new SlotStateMachine(describeSlot(spec));
    this.loaded = new Promise<void>((resolve, reject) => {
      this.settleLoad = { resolve, reject };
    });
    this.exited = new Promise<number>((resolve) => worker.once('exit', resolve));
    worker.on('message', (message: FromSlotThread | ExtensionMessage) => (isBuiltInMessage(message) ? this.onMessage(message) : this.onExtensionMessage?.(message)));
    worker.on('error', (error) => (this.lastThreadError = error));
    worker.on('messageerror', (error) => (this.lastThreadError = error));
    worker.once('exit', (code) => this.onExit(code));
  }

  get state(): SlotState {
    return this.machine.state;
  }

  get inputNames(): string[] {
    return this.names.inputNames;
  }

  get outputNames(): string[] {
    return this.names.outputNames;
  }

  /**
   * Runs the model once. One call at a time: a call while busy (or not yet idle) rejects.
   * Input buffers a tensor owns wholly are transferred to the worker, so they are detached (empty)
   * here afterwards; views into larger buffers are copied once instead.
   * @param outputNames which outputs to compute; all of the model's outputs by default
   */
  async execute(inputs: readonly Tensor[], outputNames?: readonly string[]): Promise<ExecuteResult> {
    if (this.state !== 'idle') {
      throw new FlotillaError('UNAVAILABLE', `${describeSlot(this.spec)} cannot execute: it is ${this.state}`);
    }
    const wanted = outputNames ? [...outputNames] : [...this.outputNames];
    this.checkNames(inputs, wanted);

    this.machine.moveTo('busy');
    const id = this.nextRequestId++;
    const { tensors, transferList } = prepareForTransfer(inputs);
    const result = new Promise<ExecuteResult>((resolve, reject) => (this.inFlight = { id, resolve, reject }));
    try {
      this.post({ kind: 'execute', id, inputs: tensors, outputNames: wanted }, transferList);
    } catch (error) {
      // Nothing reached the thread (e.g. a buffer that cannot be transferred): the slot is still idle.
      this.inFlight = undefined;
      this.machine.moveTo('idle');
      throw new FlotillaError('INVALID_ARG', `${describeSlot(this.spec)}: could not send the inputs to the worker thread: ${(error as Error).message}`);
    }
    return result;
  }

  /**
   * Releases the session and ends the thread. Safe to call in any state, more than once.
   * A call in flight is rejected at once, but a busy thread is never terminated: Worker.terminate()
   * while onnxruntime is inside session.run aborts the whole process ('terminate called after
   * throwing an instance of Napi::Error', seen with onnxruntime-node 1.30). The thread finishes its
   * run, reads the close message, releases the session and exits.
   */
  async close(): Promise<void> {
    if (this.state === 'closed') return this.exited.then(() => undefined);
    const previous = this.state;
    this.closing = true;
    this.machine.moveTo('closed');
    this.rejectInFlight(new FlotillaError('UNAVAILABLE', `${describeSlot(this.spec)} was closed while executing`));
    if (previous === 'failed') {
      await this.exited;
      return;
    }
    this.post({ kind: 'close' });
    // An idle thread that has not ended after the grace period is stuck in JavaScript, not in a
    // run, so terminating it is safe. A busy one is left to finish, however long its run takes.
    // An extended thread runs payloads it received itself, so 'idle' here says nothing about it.
    const timer = previous === 'idle' && !this.onExtensionMessage ? setTimeout(() => void this.worker.terminate(), CLOSE_GRACE_MS) : undefined;
    await this.exited.finally(() => clearTimeout(timer));
  }

  /** Sends an extended thread (see SlotWorkerOptions.extension) a message of its own kind. */
  postToThread(message: ExtensionMessage): void {
    if (this.state === 'closed' || this.state === 'failed') return;
    this.worker.postMessage(message);
  }

  /** Listeners hear every end of the thread; `unexpected` tells a crash from close(). */
  on(event: 'exit', listener: SlotExitListener): this {
    if (event !== 'exit') throw new Error(`SlotWorker emits only 'exit', not '${String(event)}'`);
    this.exitListeners.push(listener);
    return this;
  }

  private checkNames(inputs: readonly Tensor[], wanted: readonly string[]): void {
    const describe = describeSlot(this.spec);
    for (const input of inputs) {
      if (!this.inputNames.includes(input.name)) {
        throw new FlotillaError('INVALID_ARG', `${describe}: unexpected input '${input.name}'; the model's inputs are ${this.inputNames.join(', ')}`);
      }
    }
    const missing = this.inputNames.filter((name) => !inputs.some((input) => input.name === name));
    if (missing.length > 0) throw new FlotillaError('INVALID_ARG', `${describe}: missing input(s) ${missing.join(', ')}`);
    for (const name of wanted) {
      if (!this.outputNames.includes(name)) {
        throw new FlotillaError('INVALID_ARG', `${describe}: unexpected output '${name}'; the model's outputs are ${this.outputNames.join(', ')}`);
      }
    }
  }

  private post(message: ToSlotThread, transferList: ArrayBuffer[] = []): void {
    this.worker.postMessage(message, transferList);
  }

  private onMessage(message: FromSlotThread): void {
    switch (message.kind) {
      case 'ready':
        this.names = { inputNames: message.inputNames, outputNames: message.outputNames };
        this.machine.moveTo('idle');
        this.settleLoad?.resolve();
        return;
      case 'load-failed':
        this.machine.moveTo('failed');
        this.closing = true; // the thread closes its port and ends by itself; that exit is no crash
        this.settleLoad?.reject(
          new FlotillaError(
            'INTERNAL',
            `${describeSlot(this.spec)}: failed to load model file ${this.spec.modelPath} (${this.spec.backend === 'onnxruntime' ? `execution provider ${this.spec.executionProvider}` : `${this.spec.backend} backend`}): ${message.message}`,
          ),
        );
        return;
      case 'result':
      case 'execute-failed': {
        const inFlight = this.inFlight;
        // A late reply for a request already given up on (closed meanwhile) is dropped.
        if (!inFlight || inFlight.id !== message.id || this.state !== 'busy') return;
        this.inFlight = undefined;
        this.machine.moveTo('idle');
        if (message.kind === 'result') {
          inFlight.resolve({ outputs: message.outputs, computeStartMs: message.computeStartMs, computeEndMs: message.computeEndMs });
        } else {
          inFlight.reject(FlotillaError.fromWire(message.error));
        }
        return;
      }
    }
  }

  private onExit(exitCode: number): void {
    const unexpected = !this.closing;
    if (unexpected && this.machine.canMoveTo('failed')) {
      const cause = this.lastThreadError ? `: ${this.lastThreadError.message}` : '';
      const wasLoading = this.state === 'loading';
      this.machine.moveTo('failed');
      const what = `${describeSlot(this.spec)}: worker thread exited unexpectedly with code ${exitCode}${cause}`;
      if (wasLoading) this.settleLoad?.reject(new FlotillaError('INTERNAL', `${what} while loading model file ${this.spec.modelPath}`));
      this.rejectInFlight(new FlotillaError('UNAVAILABLE', `${what} while executing; the slot is now failed`));
    }
    const exit: SlotExit = { slotId: this.spec.slotId, exitCode, unexpected, ...(this.lastThreadError ? { error: this.lastThreadError } : {}) };
    for (const listener of this.exitListeners) listener(exit);
  }

  private rejectInFlight(error: Error): void {
    const inFlight = this.inFlight;
    this.inFlight = undefined;
    inFlight?.reject(error);
  }
}
