/**
 * One inference request as the scheduler holds it. The frame is the gateway's bytes, forwarded
 * to the executor unchanged; `carrier` is whatever the transport needs to keep (reply subject,
 * trace span) and is opaque here.
 */
export interface Payload<C> {
  readonly model: string;
  readonly version: number;
  readonly requestId?: string;
  readonly enqueuedAt: number;
  /** Epoch ms after which nobody waits for the answer (the gateway's request timeout). */
  readonly deadline: number;
  readonly carrier: C;
  /** Its batch size: the first dimension of its inputs when the model batches, else 1. */
  readonly batchSize?: number;
  /**
   * Its inputs' names, datatypes and dimensions after the first: requests with different keys
   * cannot share a batch. Absent for a model that does not batch.
   */
  readonly shapeKey?: string;
  /** The request's `priority` parameter (0 or absent: the model's default level). */
  readonly priority?: number;
  /** The request's `timeout` parameter, in microseconds (0 or absent: the policy's default). */
  readonly timeoutMicros?: number;
  /** Epoch ms when its queue timeout passes (set on entering the queue; absent when none). */
  timeoutAt?: number;
  /**
   * With rate limiting on: when a slot was first staged for it, i.e. when it started waiting for
   * resources rather than for a free slot (the scheduler sets it; the host records the wait).
   */
  stagedAt?: number;
}

/** The payloads one execution runs: a single request, or a dynamic batch of several. */
export type Batch<C> = readonly Payload<C>[];

/** Microseconds the payload waited in the scheduler's queue, at `now` (the scheduler's clock). */
export function queueMicros(payload: Payload<unknown>, now: number): number {
  return Math.max(0, Math.round((now - payload.enqueuedAt) * 1000));
}
