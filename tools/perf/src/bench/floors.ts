// Baseline (a), the in-process floors: onnxruntime-node with nothing between the caller and
// session.run. simple's latency is the least any server can add to; matmul's 1-thread versus
// 2-worker-thread throughput is the most a second instance can gain on this machine.
import { ms } from '../cli/format';
import { InProcessSession } from '../baselines/in-process-session';
import { sampleInputs } from '../baselines/sample-inputs';
import { workerThreadsThroughput } from '../baselines/worker-threads-throughput';
import { loadRepositoryModels } from '../baseline-server/repository-models';
import type { LatencySummary } from '../stats/percentiles';
import { MATMUL_COUNT2, type BenchRepository } from './bench-repository';

export interface Floors {
  readonly simpleLatency: LatencySummary;
  readonly matmulOneThreadPerSecond: number;
  readonly matmulTwoWorkersPerSecond: number;
  readonly matmulScaling: number;
}

export async function measureFloors(repository: BenchRepository, durationMs = 5000): Promise<Floors> {
  const models = new Map(loadRepositoryModels(repository.dir, ['simple', MATMUL_COUNT2]).map((m) => [m.name, m] as const));
  const simple = models.get('simple')!;
  const matmul = models.get(MATMUL_COUNT2)!;

  const simpleSession = await InProcessSession.open(simple.modelPath, sampleInputs(simple.metadata.inputs), 1);
  const simpleLatency = await simpleSession.latency(2000);
  await simpleSession.release();

  const matmulInputs = sampleInputs(matmul.metadata.inputs);
  const matmulSession = await InProcessSession.open(matmul.modelPath, matmulInputs, 1);
  const matmulOneThreadPerSecond = await matmulSession.throughput(durationMs);
  await matmulSession.release();
  const matmulTwoWorkersPerSecond = await workerThreadsThroughput(matmul.modelPath, matmulInputs, 2, durationMs, 1);

  return { simpleLatency, matmulOneThreadPerSecond, matmulTwoWorkersPerSecond, matmulScaling: matmulTwoWorkersPerSecond / matmulOneThreadPerSecond };
}

export function floorLines(floors: Floors): string[] {
  return [
    `  in-process ORT simple session.run: p50 ${ms(floors.simpleLatency.p50Ms)} ms, p99 ${ms(floors.simpleLatency.p99Ms)} ms`,
    `  in-process ORT matmul_chain: 1 thread ${floors.matmulOneThreadPerSecond.toFixed(1)} runs/s, 2 worker threads ${floors.matmulTwoWorkersPerSecond.toFixed(1)} runs/s → scaling floor ${floors.matmulScaling.toFixed(2)}x`,
  ];
}
