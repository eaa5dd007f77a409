// What the executor's main thread and a slot's serving thread tell each other, beyond the
// SlotWorker lifecycle (ready / load-failed / close). Everything here is plain data.
import type { ThreadMessage } from '@flotilla/backends';
import type { DeviceName } from '@flotilla/contracts';
import type { ModelSignature } from '@flotilla/execution';
import type { BusCredentials } from '@flotilla/transport';

/** SlotWorkerOptions.data of a serving thread: where to listen and what to say about itself. */
export interface ServingConfig {
  readonly natsServers: string | string[];
  /** The executor's credentials on the bus (plain data: nkey seed, CA text); each thread connects with them. */
  readonly natsCredentials?: BusCredentials;
  /** The slot's own subject (`SUBJECTS.slotExecute`); the scheduler sends its payloads there. */
  readonly subject: string;
  readonly executorId: string;
  readonly device: DeviceName;
  readonly slotId: string;
  readonly modelVersion: number;
  /** Triton's instance name; a reused slot can be renamed later (RenameInstance). */
  readonly instance: string;
  /** The model's tensors, to validate requests against before running them. */
  readonly tensors: ModelSignature;
  /**
   * Where the thread counts its statistics (SlotStatisticsRecorder's shared buffer): the
   * executor's main thread reads them there, when it beats or is asked, without a message.
   * Absent only outside a slot (unit tests): the executor then counts in memory of its own.
   */
  readonly statistics?: SharedArrayBuffer;
  /**
   * Where its releases go: `SUBJECTS.slotReleasedGated` when its group needs rate-limiter
   * resources, else `slotReleased` — each followed by the id of the scheduler that dispatched the
   * payload (`SUBJECTS.releasedTo`, from its `Flotilla-Scheduler` header).
   */
  readonly releaseSubject: string;
  /**
   * Its group needs rate-limiter resources: where the rate limiter's grants for payloads parked
   * here arrive (`SUBJECTS.slotGo`). Absent for a slot that never waits for a grant.
   */
  readonly goSubject?: string;
  /** Most finished payloads a busy slot reports in one release (ReleaseBatcher); ≤ the scheduler's prefetch. */
  readonly releaseBatch: number;
  /** Whether the executor records spans: only then does the thread report each compute span. */
  readonly reportSpans: boolean;
}

/** main → thread: a reused slot took a new instance name (see reconcileInstances). */
export interface RenameInstance extends ThreadMessage {
  readonly kind: 'rename';
  readonly instance: string;
}

/** One request's compute span, as the thread measured it. */
export interface ComputeSpan {
  /** The request's trace headers (`traceparent`, `tracestate`): the scheduler's `queue` span for it. */
  readonly traceHeaders: Readonly<Record<string, string>>;
  readonly startMs: number;
  readonly endMs: number;
  /** When the model ran (absent if it never did): Triton's COMPUTE_INPUT_END and COMPUTE_OUTPUT_START. */
  readonly computeStartMs?: number;
  readonly computeEndMs?: number;
  readonly model: string;
  readonly error?: string;
  /** Set for a request of a batch frame: the batch size of the execution it ran in, if it got that far. */
  readonly batchSize?: number;
  /** Set for a request of a batch frame: how many requests the batch frame carried. */
  readonly batchRequests?: number;
}

/**
 * thread → main: one payload's compute span, for the executor's tracer to record (a worker
 * thread has no OpenTelemetry SDK of its own). Sent only when ServingConfig.reportSpans is set.
 */
export interface SpanReport extends ThreadMessage, ComputeSpan {
  readonly kind: 'span';
}

/** thread → main: a batch frame's compute spans, one per request, in one message (one wake-up). */
export interface BatchSpansReport extends ThreadMessage {
  readonly kind: 'batch-spans';
  readonly spans: readonly ComputeSpan[];
}

/**
 * thread → main: the thread's own link to NATS dropped (`up: false`), or came back and the server
 * has its subscription again (`up: true`, sent after a flush). The executor announces itself after
 * an outage only once every slot can hear its payloads.
 */
export interface LinkReport extends ThreadMessage {
  readonly kind: 'link';
  readonly up: boolean;
}

export type FromServingThread = SpanReport | BatchSpansReport | LinkReport;
