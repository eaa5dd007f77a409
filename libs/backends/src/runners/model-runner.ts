// What a slot's worker thread runs: one loaded model, whatever the backend. The thread owns it
// alone, runs one request at a time, and releases it before the thread ends.
import type { Tensor } from '@flotilla/contracts';

export interface ModelRunner {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** Computes the named outputs; rejects with a FlotillaError naming the problem. */
  run(inputs: readonly Tensor[], outputNames: readonly string[]): Promise<Tensor[]>;
  release(): Promise<void>;
}
