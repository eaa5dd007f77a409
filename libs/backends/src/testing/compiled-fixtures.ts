// Test support for specs that start real worker threads or load real models. A worker thread
// cannot load the .ts sources Vitest runs, so these specs compile the workspace to dist/ once
// (SWC, about a second), point SlotWorker at a compiled thread script, and generate real ONNX
// models into a temp dir with the compiled model-generator CLI (a subprocess, so this library
// does not import a tool).
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { SlotSpec } from '../slot-spec';

export const WORKSPACE_ROOT = resolve(__dirname, '../../../..');
/** See test-slot.thread.ts. */
export const COMPILED_TEST_THREAD_SCRIPT = join(WORKSPACE_ROOT, 'dist/libs/backends/src/testing/test-slot.thread.js');

/** About 5–8 ms per batch-1 run on one core here: long enough to overlap, short enough for a unit test. */
export const TEST_MATMUL = { size: 512, layers: 400 };

export function buildWorkspace(): void {
  execFileSync(process.execPath, [join(WORKSPACE_ROOT, 'tools/build/build.mjs')], { cwd: WORKSPACE_ROOT, stdio: 'pipe' });
}

/** Generates simple, identity_fp32 and a small matmul_chain; returns the repository directory. */
export function generateTestModels(): string {
  const repository = mkdtempSync(join(tmpdir(), 'flotilla-backends-'));
  execFileSync(
    process.execPath,
    [
      join(WORKSPACE_ROOT, 'dist/tools/model-generator/src/main.js'),
      '--out',
      repository,
      '--matmul-size',
      String(TEST_MATMUL.size),
      '--matmul-layers',
      String(TEST_MATMUL.layers),
    ],
    { cwd: WORKSPACE_ROOT, stdio: 'pipe' },
  );
  return repository;
}

export function cpuSlotSpec(repository: string, modelName: string, slotId = `${modelName}_0`): SlotSpec {
  return {
    slotId,
    modelName,
    modelVersion: 1,
    modelPath: join(repository, modelName, '1', 'model.onnx'),
    backend: 'onnxruntime',
    executionProvider: 'cpu',
    deviceId: 0,
    intraOpThreads: 1,
    interOpThreads: 1,
  };
}
