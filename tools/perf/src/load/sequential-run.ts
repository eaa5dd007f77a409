// A fixed number of requests one after another (bench:quick's "1000 sequential infers"): no
// windows, every latency counted after a short warm-up.
import { performance } from 'node:perf_hooks';
import { summarizeLatencies, type LatencySummary } from '../stats/percentiles';
import type { SendRequest } from './load-driver';

export async function runSequential(send: SendRequest, count: number, warmup = Math.min(100, count)): Promise<LatencySummary> {
  for (let i = 0; i < warmup; i++) await expectOk(send());
  const latencies = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await expectOk(send());
    latencies[i] = performance.now() - started;
  }
  return summarizeLatencies(latencies);
}

async function expectOk(pending: ReturnType<SendRequest>): Promise<void> {
  const outcome = await pending;
  if (!outcome.ok) throw new Error(`inference failed: ${outcome.failure ?? ''}`);
}
