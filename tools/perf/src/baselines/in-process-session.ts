// Baseline (a): onnxruntime-node called directly, session.run on this thread. No HTTP, no
// serialisation, no other process: the floor any server's latency is measured against.
import { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node';
import { performance } from 'node:perf_hooks';
import type { Tensor } from '@flotilla/contracts';
import { summarizeLatencies, type LatencySummary } from '../stats/percentiles';

export class InProcessSession {
  private constructor(
    private readonly session: InferenceSession,
    private readonly feeds: Record<string, OrtTensor>,
  ) {}

  static async open(modelPath: string, inputs: readonly Tensor[], intraOpThreads: number): Promise<InProcessSession> {
    const session = await InferenceSession.create(modelPath, { intraOpNumThreads: intraOpThreads, interOpNumThreads: 1, graphOptimizationLevel: 'all', executionProviders: ['cpu'] });
    return new InProcessSession(session, Object.fromEntries(inputs.map((input) => [input.name, toOrt(input)])));
  }

  /** `count` sequential runs after a warm-up; latency of each session.run call. */
  async latency(count: number, warmup = Math.min(100, count)): Promise<LatencySummary> {
    for (let i = 0; i < warmup; i++) await this.session.run(this.feeds);
    const latencies = new Float64Array(count);
    for (let i = 0; i < count; i++) {
      const started = performance.now();
      await this.session.run(this.feeds);
      latencies[i] = performance.now() - started;
    }
    return summarizeLatencies(latencies);
  }

  /** Runs back to back for `durationMs`: runs per second on one thread. */
  async throughput(durationMs: number): Promise<number> {
    await this.session.run(this.feeds);
    const started = performance.now();
    let runs = 0;
    while (performance.now() - started < durationMs) {
      await this.session.run(this.feeds);
      runs++;
    }
    return runs / ((performance.now() - started) / 1000);
  }

  release(): Promise<void> {
    return this.session.release();
  }
}

function toOrt(tensor: Tensor): OrtTensor {
  if (tensor.datatype !== 'FP32') throw new Error(`the in-process baseline feeds FP32 inputs only; '${tensor.name}' is ${tensor.datatype}`);
  const copy = new Uint8Array(tensor.data);
  return new OrtTensor('float32', new Float32Array(copy.buffer, 0, copy.byteLength / 4), [...tensor.shape]);
}
