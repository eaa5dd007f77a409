#!/usr/bin/env node
// Re-checks the matmul_chain calibration: builds the model in memory with the given (or default)
// size and prints how long one batch-1 run takes on one intra-op thread, in this process.
//   node dist/tools/model-generator/src/measure.js [--matmul-size N] [--matmul-layers L] [--threads T] [--runs R] [--batch B]
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { parseArgs } from 'node:util';
import { optionalPositiveInteger } from './cli-options';
import { DEFAULT_MATMUL_LAYERS, DEFAULT_MATMUL_SEED, DEFAULT_MATMUL_SIZE } from './model-catalog';
import { buildMatmulChainModel } from './models/matmul-chain';

const WARMUP_RUNS = 3;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'matmul-size': { type: 'string' },
      'matmul-layers': { type: 'string' },
      threads: { type: 'string' },
      runs: { type: 'string' },
      batch: { type: 'string' },
    },
  });
  const size = optionalPositiveInteger('--matmul-size', values['matmul-size']) ?? DEFAULT_MATMUL_SIZE;
  const layers = optionalPositiveInteger('--matmul-layers', values['matmul-layers']) ?? DEFAULT_MATMUL_LAYERS;
  const threads = optionalPositiveInteger('--threads', values.threads) ?? 1;
  const runs = optionalPositiveInteger('--runs', values.runs) ?? 20;
  const batch = optionalPositiveInteger('--batch', values.batch) ?? 1;

  const model = buildMatmulChainModel({ size, layers, seed: DEFAULT_MATMUL_SEED });
  const session = await InferenceSession.create(model, {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
  });
  const input = new Tensor('float32', new Float32Array(batch * size).fill(0.5), [batch, size]);
  for (let i = 0; i < WARMUP_RUNS; i++) await session.run({ INPUT0: input });

  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await session.run({ INPUT0: input });
    times.push(performance.now() - started);
  }
  await session.release();

  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  const mean = times.reduce((sum, t) => sum + t, 0) / times.length;
  console.log(
    `matmul_chain size=${size} layers=${layers} batch=${batch} threads=${threads}: ` +
      `median ${median.toFixed(2)} ms/run, mean ${mean.toFixed(2)}, min ${times[0].toFixed(2)}, max ${times[times.length - 1].toFixed(2)} (${runs} runs)`,
  );
}

main().catch((error) => {
  console.error(`measure: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
