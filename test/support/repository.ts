import { cpSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { generateModels } from '../../tools/model-generator/src/generate-models';

const EXAMPLES = resolve(__dirname, '../../examples/model_repository');
const MODEL_CACHE = join(tmpdir(), 'flotilla-test-models');

/**
 * A fresh model repository for one test file: the example models (configs copied, ONNX files
 * generated once per machine and linked in) plus any extra model directories the test describes
 * as `{ '<model>/config.pbtxt': '<text>' }` file maps.
 */
export function testRepository(extraFiles: Record<string, string> = {}): string {
  generateModels(MODEL_CACHE);
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-repo-'));
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
