// A model repository of its own for each benchmark run: the example configs copied (so a
// benchmark never depends on what someone left in examples/), the generated .onnx files linked in,
// and variants derived from the examples' configs: `matmul_chain_count1` (one instance instead of
// two, so that count 1 and count 2 are measured side by side on the same server), and
// `simple_dynamic` / `matmul_chain_dynamic` (the same with `dynamic_batching {}`), and
// `simple_exclusive` / `matmul_chain_exclusive` (every instance needing the one `EXCLUSIVE`, for
// the rate limiting figures).
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '@flotilla/local-cluster';

export const MATMUL_COUNT1 = 'matmul_chain_count1';
export const MATMUL_COUNT2 = 'matmul_chain';
export const SIMPLE_DYNAMIC = 'simple_dynamic';
export const MATMUL_DYNAMIC = 'matmul_chain_dynamic';
export const SIMPLE_EXCLUSIVE = 'simple_exclusive';
export const MATMUL_EXCLUSIVE = 'matmul_chain_exclusive';
const BASE_MODELS = ['simple', 'identity_fp32', 'matmul_chain'] as const;

/** Each derived model: the example it comes from and how its config changes. */
const DERIVED: Readonly<Record<string, { readonly source: string; readonly derive: (configText: string, name: string) => string }>> = {
  [MATMUL_COUNT1]: { source: MATMUL_COUNT2, derive: (text, name) => withOneInstance(text, name) },
  [SIMPLE_DYNAMIC]: { source: 'simple', derive: (text, name) => withDynamicBatching(text, name) },
  [MATMUL_DYNAMIC]: { source: MATMUL_COUNT2, derive: (text, name) => withDynamicBatching(text, name) },
  [SIMPLE_EXCLUSIVE]: { source: 'simple', derive: (text, name) => withExclusiveResource(text, name) },
  [MATMUL_EXCLUSIVE]: { source: MATMUL_COUNT2, derive: (text, name) => withExclusiveResource(text, name) },
};

/** Generated once per machine, like the end-to-end tests' cache; the generator skips up-to-date files. */
const MODEL_CACHE = join(tmpdir(), 'flotilla-bench-models');

export interface BenchRepository {
  readonly dir: string;
  readonly models: readonly string[];
  modelPath(model: string): string;
  remove(): void;
}

export function createBenchRepository(models: readonly string[] = [...BASE_MODELS, MATMUL_COUNT1, SIMPLE_DYNAMIC]): BenchRepository {
  generateModels();
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-bench-repo-'));
  const examples = join(repoRoot(), 'examples', 'model_repository');
  for (const model of models) {
    const derived = DERIVED[model];
    const source = derived?.source ?? model;
    mkdirSync(join(dir, model, '1'), { recursive: true });
    const config = join(dir, model, 'config.pbtxt');
    cpSync(join(examples, source, 'config.pbtxt'), config);
    if (derived) writeFileSync(config, derived.derive(readFileSync(config, 'utf8'), model));
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

/** The config renamed, with `dynamic_batching {}` (Triton's defaults: batches up to max_batch_size, no delay). */
export function withDynamicBatching(configText: string, newName: string): string {
  const renamed = configText.replace(/^name:\s*"[^"]*"/m, `name: "${newName}"`);
  if (renamed === configText || /dynamic_batching/.test(configText)) throw new Error(`cannot derive ${newName}: expected a 'name:' line and no dynamic_batching yet`);
  return `${renamed.trimEnd()}\ndynamic_batching { }\n`;
}

/** The config renamed, its (first, KIND_CPU) instance group needing the one `EXCLUSIVE` there is (`--rate-limit-resource EXCLUSIVE:1`). */
export function withExclusiveResource(configText: string, newName: string): string {
  const config = configText
    .replace(/^name:\s*"[^"]*"/m, `name: "${newName}"`)
    .replace(/(instance_group\s*\[\s*\{[^}]*?kind:\s*KIND_CPU)/, '$1, rate_limiter { resources [ { name: "EXCLUSIVE", count: 1 } ] }');
  if (!config.includes('EXCLUSIVE') || !config.includes(`"${newName}"`)) throw new Error(`cannot derive ${newName}: its name or instance_group moved on`);
  return config;
}

/** Runs the model generator's CLI (a separate tool: run, not imported) into the cache. */
function generateModels(): void {
  const generator = join(repoRoot(), 'dist', 'tools', 'model-generator', 'src', 'main.js');
  if (!existsSync(generator)) throw new Error(`${generator} is missing: build first with 'npm run build'`);
  execFileSync(process.execPath, [generator, '--out', MODEL_CACHE], { stdio: 'ignore' });
}
