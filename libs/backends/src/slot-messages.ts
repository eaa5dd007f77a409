// The protocol between a SlotWorker (main thread) and its worker thread. The spec itself travels
// as workerData; everything after that is one of these messages.
import type { Tensor, WireError } from '@flotilla/contracts';

export type ToSlotThread =
  | { readonly kind: 'execute'; readonly id: number; readonly inputs: Tensor[]; readonly outputNames: string[] }
  /** Release the session and let the thread end. */
  | { readonly kind: 'close' };

export type FromSlotThread =
  | { readonly kind: 'ready'; readonly inputNames: string[]; readonly outputNames: string[] }
  | { readonly kind: 'load-failed'; readonly message: string }
  | { readonly kind: 'result'; readonly id: number; readonly outputs: Tensor[]; readonly computeStartMs: number; readonly computeEndMs: number }
  | { readonly kind: 'execute-failed'; readonly id: number; readonly error: WireError };
