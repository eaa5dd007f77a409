// One model instance on a worker thread of its own, driven one request at a time: what a
// hand-written single-process server does, and the baseline server's building block. The thread's
// lifecycle is SlotWorker's (as in Flotilla's executor); the request/response path is this class
// and worker-instance.thread.ts.
import { describeSlot, SlotWorker, type SlotExit, type SlotSpec, type ThreadMessage } from '@flotilla/backends';
import { FlotillaError, type Tensor } from '@flotilla/contracts';
import { join } from 'node:path';
import { prepareForTransfer } from './tensor-transfer';
import type { ExecuteRequest, ExecuteResult, FromInstanceThread } from './worker-instance-messages';

/** Right once built to dist/; tests run from the .ts sources and pass the compiled script instead. */
const THREAD_SCRIPT = join(__dirname, 'worker-instance.thread.js');

export type InstanceState = 'idle' | 'busy' | 'closed' | 'failed';

interface InFlight {
  readonly id: number;
  resolve(result: ExecuteResult): void;
  reject(error: Error): void;
}

export class WorkerInstance {
  private inFlight: InFlight | undefined;
  private nextRequestId = 1;

  /** Resolves once the model is loaded; rejects, naming the model file, when it cannot be. */
  static async start(spec: SlotSpec, threadScript = THREAD_SCRIPT): Promise<WorkerInstance> {
    // Replies answer `execute` calls, so none arrives before the instance exists to take them.
    let onReply = (_message: ThreadMessage) => {};
    const worker = await SlotWorker.start(spec, { threadScript, onMessage: (message) => onReply(message) });
    const instance = new WorkerInstance(worker);
    onReply = (message) => instance.onReply(message);
    return instance;
  }

  private constructor(private readonly worker: SlotWorker) {
    worker.on('exit', (exit) => this.onExit(exit));
  }

  get state(): InstanceState {
    if (this.inFlight) return 'busy';
    return this.worker.state === 'ready' ? 'idle' : (this.worker.state as 'closed' | 'failed');
  }

  get inputNames(): string[] {
    return this.worker.inputNames;
  }

  get outputNames(): string[] {
    return this.worker.outputNames;
  }

  /**
   * Runs the model once. One call at a time: a call while busy (or closed, or failed) rejects.
   * Input buffers a tensor owns wholly are transferred to the thread, so they are detached (empty)
   * here afterwards; views into larger buffers are copied once instead.
   * @param outputNames which outputs to compute; all of the model's outputs by default
   */
  async execute(inputs: readonly Tensor[], outputNames?: readonly string[]): Promise<ExecuteResult> {
    const describe = describeSlot(this.worker.spec);
    if (this.state !== 'idle') throw new FlotillaError('UNAVAILABLE', `${describe} cannot execute: it is ${this.state}`);
    const wanted = outputNames ? [...outputNames] : [...this.outputNames];
    this.checkNames(inputs, wanted);

    const id = this.nextRequestId++;
    const { tensors, transferList } = prepareForTransfer(inputs);
    const result = new Promise<ExecuteResult>((resolve, reject) => (this.inFlight = { id, resolve, reject }));
    try {
      this.worker.postToThread({ kind: 'execute', id, inputs: tensors, outputNames: wanted } satisfies ExecuteRequest, transferList);
    } catch (error) {
      // Nothing reached the thread (e.g. a buffer that cannot be transferred): the instance is still idle.
      this.inFlight = undefined;
      throw new FlotillaError('INVALID_ARG', `${describe}: could not send the inputs to the worker thread: ${(error as Error).message}`);
    }
    return result;
  }

  /** Rejects a call in flight at once; the thread finishes its run, releases the model and ends (SlotWorker.close). */
  async close(): Promise<void> {
    this.rejectInFlight(new FlotillaError('UNAVAILABLE', `${describeSlot(this.worker.spec)} was closed while executing`));
    await this.worker.close();
  }

  private checkNames(inputs: readonly Tensor[], wanted: readonly string[]): void {
    const describe = describeSlot(this.worker.spec);
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

  private onReply(message: ThreadMessage): void {
    const reply = message as FromInstanceThread;
    const inFlight = this.inFlight;
    // A late reply for a request already given up on (closed meanwhile) is dropped.
    if (!inFlight || inFlight.id !== reply.id) return;
    this.inFlight = undefined;
    if (reply.kind === 'result') inFlight.resolve({ outputs: reply.outputs, computeStartMs: reply.computeStartMs, computeEndMs: reply.computeEndMs });
    else inFlight.reject(FlotillaError.fromWire(reply.error));
  }

  private onExit(exit: SlotExit): void {
    if (!exit.unexpected) return;
    const cause = exit.error ? `: ${exit.error.message}` : '';
    this.rejectInFlight(
      new FlotillaError('UNAVAILABLE', `${describeSlot(this.worker.spec)}: worker thread exited unexpectedly with code ${exit.exitCode}${cause} while executing; the instance is now failed`),
    );
  }

  private rejectInFlight(error: Error): void {
    const inFlight = this.inFlight;
    this.inFlight = undefined;
    inFlight?.reject(error);
  }
}
