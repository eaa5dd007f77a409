// The models a baseline server serves: read straight from a Triton model repository, with only
// what a hand-written server would look at: the config's tensors, its instance count and thread
// parameter, and the newest version directory that has a model.onnx.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dataTypeToDatatype, getParameter, modelMetadata, parseModelConfig, type ModelConfig, type ModelMetadata } from '@flotilla/model-config';

export interface ServedModel {
  readonly name: string;
  readonly version: number;
  readonly modelPath: string;
  readonly config: ModelConfig;
  readonly metadata: ModelMetadata;
  /** Worker threads to start: the sum of the instance groups' counts (at least 1). */
  readonly instances: number;
  /** From the `intra_op_thread_count` parameter, when the config sets one. */
  readonly intraOpThreads?: number;
}

export function loadRepositoryModels(repository: string, only?: readonly string[]): ServedModel[] {
  const names = readdirSync(repository, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(repository, entry.name, 'config.pbtxt')))
    .map((entry) => entry.name)
    .filter((name) => !only || only.includes(name));
  return names.map((name) => loadModel(repository, name));
}

function loadModel(repository: string, name: string): ServedModel {
  const dir = join(repository, name);
  const config = parseModelConfig(readFileSync(join(dir, 'config.pbtxt'), 'utf8'), join(dir, 'config.pbtxt'));
  const named = { ...config, name: config.name || name };
  const versions = readdirSync(dir)
    .filter((entry) => /^[0-9]+$/.test(entry) && existsSync(join(dir, entry, 'model.onnx')))
    .map(Number)
    .sort((a, b) => b - a);
  if (versions.length === 0) throw new Error(`model '${name}' has no version directory with a model.onnx`);
  const version = versions[0];
  const instances = named.instance_group.reduce((sum, group) => sum + Math.max(1, group.count || 1), 0) || 1;
  const threads = getParameter(named, 'intra_op_thread_count');
  return {
    name,
    version,
    modelPath: join(dir, String(version), 'model.onnx'),
    config: named,
    metadata: modelMetadata(named, [version]),
    instances,
    ...(threads ? { intraOpThreads: Number(threads) } : {}),
  };
}

/** For raw binary requests: the single input's description, as @flotilla/kserve's decoder wants it. */
export function rawInputOf(model: ServedModel) {
  const inputs = model.config.input;
  if (inputs.length !== 1) return { modelInputCount: inputs.length };
  const [input] = inputs;
  return {
    modelInputCount: 1,
    rawInput: { name: input.name, datatype: dataTypeToDatatype(input.data_type), shape: input.dims, batched: model.config.max_batch_size > 0 },
  };
}
