import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { generateModels } from '../../tools/model-generator/src/generate-models';

const EXAMPLES = resolve(__dirname, '../../examples/model_repository');
const MODEL_CACHE = join(tmpdir(), 'flotilla-test-models');

/**
 * Folders made for this test file; removed after its last test (the shared model cache is not
 * among them). Registered when the file's imports run, before its own hooks, and Vitest runs
 * afterAll hooks in reverse ('stack'): this one comes after those that stop the services using them.
 */
const scratchDirs: string[] = [];
afterAll(() => scratchDirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A new empty folder under the system's temporary one, removed after the test file's last test. */
export function scratchDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  scratchDirs.push(dir);
  return dir;
}

/**
 * A fresh model repository for one test file: the example models (configs copied, ONNX files
 * generated once per machine and linked in) plus any extra model directories the test describes
 * as `{ '<model>/config.pbtxt': '<text>' }` file maps.
 */
export function testRepository(extraFiles: Record<string, string> = {}): string {
  generateModels(MODEL_CACHE);
  const dir = scratchDir('flotilla-repo-');
  for (const model of readdirSync(EXAMPLES)) {
    mkdirSync(join(dir, model, '1'), { recursive: true });
    cpSync(join(EXAMPLES, model, 'config.pbtxt'), join(dir, model, 'config.pbtxt'));
    symlinkSync(join(MODEL_CACHE, model, '1', 'model.onnx'), join(dir, model, '1', 'model.onnx'));
  }
  for (const [path, text] of Object.entries(extraFiles)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

/** Links a generated ONNX file into another model directory of the repository. */
export function linkModel(repository: string, fromModel: string, toModel: string, version = 1): void {
  mkdirSync(join(repository, toModel, String(version)), { recursive: true });
  symlinkSync(join(MODEL_CACHE, fromModel, '1', 'model.onnx'), join(repository, toModel, String(version), 'model.onnx'));
}

const CONCURRENCY_EXAMPLES = resolve(__dirname, '../../examples/concurrency_repository');

/**
 * A fresh repository with some of examples/concurrency_repository's models: configs and
 * javascript models copied, matmul_chain's generated ONNX file linked in for the ONNX ones.
 */
export function concurrencyRepository(models: readonly string[]): string {
  generateModels(MODEL_CACHE);
  const dir = scratchDir('flotilla-repo-');
  for (const model of models) {
    cpSync(join(CONCURRENCY_EXAMPLES, model), join(dir, model), { recursive: true, dereference: false, filter: (source) => !source.endsWith('model.onnx') });
    if (!readdirSync(join(dir, model, '1')).includes('model.js')) {
      symlinkSync(join(MODEL_CACHE, 'matmul_chain', '1', 'model.onnx'), join(dir, model, '1', 'model.onnx'));
    }
  }
  return dir;
}

const SLEEP_MODEL = join(CONCURRENCY_EXAMPLES, 'sleep_serial', '1', 'model.js');

/**
 * A javascript model that sleeps `sleepMs` per request, with the given instance groups, as the
 * file map `testRepository` takes: its run times are known, so overlaps are easy to judge.
 */
export function sleepModel(name: string, groups: string, sleepMs = 60): Record<string, string> {
  const config = `name: "${name}"
backend: "javascript"
max_batch_size: 0
input [ { name: "INPUT0", data_type: TYPE_FP32, dims: [ 1 ] } ]
output [ { name: "OUTPUT0", data_type: TYPE_FP32, dims: [ 1 ] } ]
instance_group [ ${groups} ]
parameters { key: "sleep_ms" value: { string_value: "${sleepMs}" } }
`;
  return { [`${name}/config.pbtxt`]: config, [`${name}/1/model.js`]: readFileSync(SLEEP_MODEL, 'utf8') };
}
