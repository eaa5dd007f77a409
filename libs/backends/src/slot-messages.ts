// The lifecycle protocol between a SlotWorker (main thread) and the thread script its owner
// supplies. SlotThreadData travels as workerData; after that the thread says `ready` or
// `load-failed` once, and the owner may say `close`. Every other message is the owner's own
// (ThreadMessage), passed through untouched in both directions.
import type { SlotSpec } from './slot-spec';

export interface SlotThreadData {
  readonly spec: SlotSpec;
  /** What the owner's thread script needs beyond the spec (SlotWorkerOptions.data). */
  readonly data?: unknown;
}

/** A message of a kind only the owner's thread script and the owner understand. */
export interface ThreadMessage {
  readonly kind: string;
  readonly [field: string]: unknown;
}

/** Release the model and let the thread end; sent by SlotWorker.close(). */
export interface CloseThread {
  readonly kind: 'close';
}

export type LifecycleReport =
  | { readonly kind: 'ready'; readonly inputNames: string[]; readonly outputNames: string[] }
  | { readonly kind: 'load-failed'; readonly message: string };

const LIFECYCLE_KINDS: ReadonlySet<string> = new Set<LifecycleReport['kind']>(['ready', 'load-failed']);

export function isLifecycleReport(message: LifecycleReport | ThreadMessage): message is LifecycleReport {
  return LIFECYCLE_KINDS.has(message.kind);
}
