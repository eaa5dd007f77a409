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
  readonly deadline: number;
  readonly carrier: C;
  /**
   * With rate limiting on: when a slot was first staged for it, i.e. when it started waiting for
   * resources rather than for a free slot (the scheduler sets it; the host records the wait).
   */
  stagedAt?: number;
}
