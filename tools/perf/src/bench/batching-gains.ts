// What dynamic batching buys a model that is expensive per execution (issue 11's figure):
// matmul_chain with and without `dynamic_batching {}`, same instance count (2), c=16, measured
// alternately on one deployment, with the batch sizes the batching variant actually executed
// (from the statistics extension's batch_stats, counted over the measured windows only).
import type { ProgressLine } from '../cli/progress-line';
import { createBenchRepository, MATMUL_COUNT2, MATMUL_DYNAMIC } from './bench-repository';
import type { MeasureSettings } from './contenders';
import { startFlotilla } from './flotilla-under-test';
import { median } from './interleaved-scaling';
import { measurePoint } from './measure-point';

const CONCURRENCY = 16;

export interface BatchingGains {
  /** infer/s per round. */
  readonly unbatched: readonly number[];
  readonly batched: readonly number[];
  /** Executions per batch size of the batching variant over its measured rounds. */
  readonly batchSizes: Readonly<Record<string, number>>;
}

export async function measureBatchingGains(settings: MeasureSettings, progress: ProgressLine, rounds = 2, log: (line: string) => void = console.log): Promise<BatchingGains> {
  const repository = createBenchRepository([MATMUL_COUNT2, MATMUL_DYNAMIC]);
  const deployment = await startFlotilla(repository.dir);
  try {
    const infers = async (model: string) => (await measurePoint({ name: 'flotilla', url: deployment.url }, { model, protocol: 'binary', concurrency: CONCURRENCY }, settings, `${model} c=${CONCURRENCY}`, progress)).figures.throughput;
    const gains = { unbatched: [] as number[], batched: [] as number[] };
    const before = await executionsBySize(deployment.url, MATMUL_DYNAMIC);
    for (let round = 1; round <= rounds; round++) {
      const order = round % 2 === 1 ? [MATMUL_COUNT2, MATMUL_DYNAMIC] : [MATMUL_DYNAMIC, MATMUL_COUNT2];
      for (const model of order) (model === MATMUL_DYNAMIC ? gains.batched : gains.unbatched).push(await infers(model));
      log(`  round ${round}: matmul_chain c=${CONCURRENCY} ${gains.unbatched.at(-1)!.toFixed(1)} infer/s alone, ${gains.batched.at(-1)!.toFixed(1)} with dynamic_batching {}`);
    }
    const after = await executionsBySize(deployment.url, MATMUL_DYNAMIC);
    const batchSizes: Record<string, number> = {};
    for (const [size, count] of Object.entries(after)) if (count - (before[size] ?? 0) > 0) batchSizes[size] = count - (before[size] ?? 0);
    return { ...gains, batchSizes };
  } finally {
    progress.clear();
    await deployment.stop();
    repository.remove();
  }
}

export function batchingLines(gains: BatchingGains): string[] {
  const [alone, batched] = [median(gains.unbatched), median(gains.batched)];
  const executions = Object.values(gains.batchSizes).reduce((a, b) => a + b, 0);
  const inferences = Object.entries(gains.batchSizes).reduce((sum, [size, count]) => sum + Number(size) * count, 0);
  const sizes = Object.entries(gains.batchSizes)
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([size, count]) => `${size}×${count}`)
    .join(' ');
  return [
    `INFO matmul_dynamic_c${CONCURRENCY}_over_unbatched ${(batched / alone).toFixed(2)}x  (${batched.toFixed(1)} vs ${alone.toFixed(1)} infer/s, 2 instances each)`,
    `INFO matmul_dynamic_batch_sizes mean ${(executions ? inferences / executions : 0).toFixed(2)} over ${executions} executions  (size×executions: ${sizes || 'none'})`,
  ];
}

/** Executions per batch size so far, from `GET /v2/models/<m>/stats`. */
async function executionsBySize(url: string, model: string): Promise<Record<string, number>> {
  const response = await fetch(`${url}/v2/models/${model}/stats`);
  if (!response.ok) throw new Error(`GET /v2/models/${model}/stats: HTTP ${response.status}`);
  const body = (await response.json()) as { model_stats: { batch_stats: { batch_size: number; compute_infer: { count: number } }[] }[] };
  const counts: Record<string, number> = {};
  for (const stats of body.model_stats) for (const batch of stats.batch_stats) counts[String(batch.batch_size)] = (counts[String(batch.batch_size)] ?? 0) + batch.compute_infer.count;
  return counts;
}
