// A model repository of its own for each benchmark run: the example configs copied (so a
// benchmark never depends on what someone left in examples/), the generated .onnx files linked in,
// and `matmul_chain_count1`, the example's matmul_chain with one instance instead of two, so that
// count 1 and count 2 are measured side by side on the same server.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '@flotilla/local-cluster';

export const MATMUL_COUNT1 = 'matmul_chain_count1';
export const MATMUL_COUNT2 = 'matmul_chain';
const BASE_MODELS = ['simple', 'identity_fp32', 'matmul_chain'] as const;

/** Generated once per machine, like the end-to-end tests' cache; the generator skips up-to-date files. */
const MODEL_CACHE = join(tmpdir(), 'flotilla-bench-models');

export interface BenchRepository {
  readonly dir: string;
  readonly models: readonly string[];
  modelPath(model: string): string;
  remove(): void;
}

export function createBenchRepository(models: readonly string[] = [...BASE_MODELS, MATMUL_COUNT1]): BenchRepository {
  generateModels();
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-bench-repo-'));
  const examples = join(repoRoot(), 'examples', 'model_repository');
  for (const model of models) {
    const source = model === MATMUL_COUNT1 ? MATMUL_COUNT2 : model;
    mkdirSync(join(dir, model, '1'), { recursive: true });
    const config = join(dir, model, 'config.pbtxt');
    cpSync(join(examples, source, 'config.pbtxt'), config);
    if (model === MATMUL_COUNT1) writeFileSync(config, withOneInstance(readFileSync(config, 'utf8'), MATMUL_COUNT1));
    symlinkSync(join(MODEL_CACHE, source, '1', 'model.onnx'), join(dir, model, '1', 'model.onnx'));
  }
  return {
    dir,
    models,
    modelPath: (model) => join(dir, model, '1', 'model.onnx'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The config renamed and its instance group cut to `count: 1`; throws if the example's text moved on. */
export function withOneInstance(configText: string, newName: string): string {
  const renamed = configText.replace(/^name:\s*"[^"]*"/m, `name: "${newName}"`);
  const counted = renamed.replace(/(instance_group\s*\[\s*\{\s*count:\s*)\d+/, (_, prefix: string) => `${prefix}1`);
  if (renamed === configText || !/instance_group\s*\[\s*\{\s*count:\s*1\b/.test(counted)) {
    throw new Error(`cannot derive ${newName} from matmul_chain's config.pbtxt: expected a 'name:' line and 'instance_group [ { count: N ...'`);
  }
  return counted;
}

/** Runs the model generator's CLI (a separate tool: run, not imported) into the cache. */
function generateModels(): void {
  const generator = join(repoRoot(), 'dist', 'tools', 'model-generator', 'src', 'main.js');
  if (!existsSync(generator)) throw new Error(`${generator} is missing: build first with 'npm run build'`);
  execFileSync(process.execPath, [generator, '--out', MODEL_CACHE], { stdio: 'ignore' });
}
