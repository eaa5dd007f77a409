/** What one inference request came to, whatever the protocol. */
export interface InferOutcome {
  readonly ok: boolean;
  /** Response size; the body itself is dropped, as a load generator only counts it. */
  readonly bytes: number;
  /** Why it failed, as the protocol said it (`HTTP 400: {...}`, `gRPC INVALID_ARGUMENT: ...`). */
  readonly failure?: string;
}
