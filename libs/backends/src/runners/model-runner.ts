// What a slot's worker thread runs: one loaded model, whatever the backend. The thread owns it
// alone, runs one request at a time, and releases it before the thread ends.
import type { Tensor } from '@flotilla/contracts';

export interface ModelRunner {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /**
   * Computes the named outputs; rejects with a FlotillaError naming the problem. A runner that can
   * tell its own run apart from making its input tensors and reading its outputs sets `timing`
   * (Triton's compute_input / compute_infer / compute_output boundaries).
   */
  run(inputs: readonly Tensor[], outputNames: readonly string[], timing?: RunTiming): Promise<Tensor[]>;
  release(): Promise<void>;
}

/** Epoch ms (sub-millisecond), set by a runner around the model's own run; left unset when it cannot tell. */
export interface RunTiming {
  inferStartMs?: number;
  inferEndMs?: number;
}

/** Epoch milliseconds with sub-millisecond precision. */
export const epochNowMs = (): number => performance.timeOrigin + performance.now();
