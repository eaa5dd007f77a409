#!/usr/bin/env node
// GPU proof: runs matmul_chain through onnxruntime's CUDA execution provider on one GPU, with the
// same runner and session options an executor started with `--device gpu:N` loads in each slot's
// thread (loadRunner), and compares the outputs with the CPU provider's. A one-shot check needs no
// thread of its own: both runners run here, one call at a time.
//
//   node dist/tools/gpu-proof/src/main.js [--device-id 0] [--provider cuda|tensorrt] [--runs 20]
//
// Needs onnxruntime-node's CUDA 12 provider libraries (skipped at install, see README "GPUs"),
// CUDA 12.x and cuDNN 9. Exit code 0 = outputs match; 1 = mismatch or the provider failed to load.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRunner, type ModelRunner, type SlotSpec } from '@flotilla/backends';
import type { Tensor } from '@flotilla/contracts';
import { execFileSync } from 'node:child_process';

const arg = (name: string, fallback: string) => {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : fallback;
};

async function main(): Promise<number> {
  const deviceId = Number(arg('device-id', '0'));
  const provider = arg('provider', 'cuda') as 'cuda' | 'tensorrt';
  const runs = Number(arg('runs', '20'));
  const repository = mkdtempSync(join(tmpdir(), 'flotilla-gpu-proof-'));
  // The generator CLI (built next to this script) writes matmul_chain, as `npm start` does.
  execFileSync(process.execPath, [join(__dirname, '../../model-generator/src/main.js'), '--out', repository, '--models', 'matmul_chain'], { stdio: 'inherit' });
  const model = { path: join(repository, 'matmul_chain', '1', 'model.onnx') };
  const spec = (executionProvider: SlotSpec['executionProvider']): SlotSpec => ({
    slotId: `proof-${executionProvider}`,
    modelName: 'matmul_chain',
    modelVersion: 1,
    modelPath: model.path,
    backend: 'onnxruntime',
    executionProvider,
    deviceId,
    intraOpThreads: 1,
    interOpThreads: 1,
  });
  const input = (): Tensor => {
    const values = new Float32Array(8 * 1024).map((_, i) => Math.sin(i) / 2);
    return { name: 'INPUT0', datatype: 'FP32', shape: [8, 1024], data: new Uint8Array(values.buffer) };
  };

  console.log(`gpu-proof: matmul_chain batch 8 on ${provider} device ${deviceId} vs cpu`);
  const cpu = await loadRunner(spec('cpu'));
  const gpu = await loadRunner(spec(provider)).catch((error: Error) => {
    console.error(`gpu-proof: the ${provider} execution provider did not load: ${error.message}`);
    return undefined;
  });
  if (!gpu) {
    await cpu.release();
    return 1;
  }
  const expected = await timedRun(cpu, input());
  let worst = 0;
  const gpuTimes: number[] = [];
  for (let i = 0; i < runs; i++) {
    const result = await timedRun(gpu, input());
    gpuTimes.push(result.ms);
    worst = Math.max(worst, maxRelativeError(floats(expected.output), floats(result.output)));
  }
  gpuTimes.sort((a, b) => a - b);
  console.log(`gpu-proof: cpu ${expected.ms.toFixed(1)} ms/run, ${provider} median ${gpuTimes[gpuTimes.length >> 1].toFixed(2)} ms/run over ${runs} runs`);
  console.log(`gpu-proof: worst relative error ${worst.toExponential(2)} (tolerance 1e-3)`);
  await Promise.all([cpu.release(), gpu.release()]);
  const ok = worst <= 1e-3;
  console.log(ok ? 'gpu-proof: PASS — CUDA outputs match the CPU provider' : 'gpu-proof: FAIL — outputs differ');
  return ok ? 0 : 1;
}

/** One run of all the model's outputs; the first output and how long the run took, tensor conversion included. */
async function timedRun(runner: ModelRunner, input: Tensor): Promise<{ output: Tensor; ms: number }> {
  const started = performance.now();
  const [output] = await runner.run([input], runner.outputNames);
  return { output, ms: performance.now() - started };
}

const floats = (t: Tensor) => new Float32Array(t.data.buffer, t.data.byteOffset, t.data.byteLength / 4);

function maxRelativeError(a: Float32Array, b: Float32Array): number {
  let worst = a.length === b.length ? 0 : Infinity;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(1e-6, Math.abs(a[i])));
  return worst;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`gpu-proof: ${error instanceof Error ? error.stack : error}`);
    process.exit(1);
  },
);
