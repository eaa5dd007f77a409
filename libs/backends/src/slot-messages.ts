// The protocol between a SlotWorker (main thread) and its worker thread. SlotThreadData travels
// as workerData; everything after that is one of these messages.
import type { Tensor, WireError } from '@flotilla/contracts';
import type { SlotSpec } from './slot-spec';

export interface SlotThreadData {
  readonly spec: SlotSpec;
  /** What a thread script beyond the built-in one needs (see SlotWorkerOptions.extension). */
  readonly extension?: unknown;
}

/** A message of a kind only an extended thread script and its owner understand. */
export interface ExtensionMessage {
  readonly kind: string;
  readonly [field: string]: unknown;
}

export type ToSlotThread =
  | { readonly kind: 'execute'; readonly id: number; readonly inputs: Tensor[]; readonly outputNames: string[] }
  /** Release the session and let the thread end. */
  | { readonly kind: 'close' };

export type FromSlotThread =
  | { readonly kind: 'ready'; readonly inputNames: string[]; readonly outputNames: string[] }
  | { readonly kind: 'load-failed'; readonly message: string }
  | { readonly kind: 'result'; readonly id: number; readonly outputs: Tensor[]; readonly computeStartMs: number; readonly computeEndMs: number }
  | { readonly kind: 'execute-failed'; readonly id: number; readonly error: WireError };

const BUILT_IN_KINDS: ReadonlySet<string> = new Set<FromSlotThread['kind']>(['ready', 'load-failed', 'result', 'execute-failed']);

export function isBuiltInMessage(message: FromSlotThread | ExtensionMessage): message is FromSlotThread {
  return BUILT_IN_KINDS.has(message.kind);
}
