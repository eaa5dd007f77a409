// What a WorkerInstance and its thread (worker-instance.thread.ts) tell each other beyond
// SlotWorker's lifecycle: one request, one reply, correlated by id.
import type { ThreadMessage } from '@flotilla/backends';
import type { Tensor, WireError } from '@flotilla/contracts';

export interface ExecuteRequest extends ThreadMessage {
  readonly kind: 'execute';
  readonly id: number;
  readonly inputs: Tensor[];
  readonly outputNames: string[];
}

export interface ExecuteReply extends ThreadMessage {
  readonly kind: 'result';
  readonly id: number;
  readonly outputs: Tensor[];
  readonly computeStartMs: number;
  readonly computeEndMs: number;
}

export interface ExecuteFailure extends ThreadMessage {
  readonly kind: 'execute-failed';
  readonly id: number;
  readonly error: WireError;
}

export type FromInstanceThread = ExecuteReply | ExecuteFailure;

export interface ExecuteResult {
  readonly outputs: Tensor[];
  /**
   * When the thread started converting the inputs and when it finished converting the outputs:
   * `performance.timeOrigin + performance.now()` in the thread, i.e. epoch ms with sub-ms
   * precision, comparable across processes on one host.
   */
  readonly computeStartMs: number;
  readonly computeEndMs: number;
}
