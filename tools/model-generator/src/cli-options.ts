// Parses the generator's command line into GeneratorOptions, with errors that say which flag is wrong.
import { parseArgs } from 'node:util';
import { GeneratorOptions, isModelName, MODEL_NAMES, ModelName } from './model-catalog';

export const USAGE = `usage: main.js --out <model repository dir> [--models ${MODEL_NAMES.join(',')}] [--matmul-size N] [--matmul-layers L] [--matmul-seed S]`;

export interface CliOptions extends GeneratorOptions {
  readonly outDir: string;
}

export function parseCliOptions(argv: readonly string[]): CliOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      out: { type: 'string' },
      models: { type: 'string' },
      'matmul-size': { type: 'string' },
      'matmul-layers': { type: 'string' },
      'matmul-seed': { type: 'string' },
    },
    strict: true,
  });
  if (!values.out) throw new Error(`--out is required\n${USAGE}`);
  return {
    outDir: values.out,
    models: values.models === undefined ? undefined : parseModelList(values.models),
    matmulSize: optionalPositiveInteger('--matmul-size', values['matmul-size']),
    matmulLayers: optionalPositiveInteger('--matmul-layers', values['matmul-layers']),
    matmulSeed: optionalPositiveInteger('--matmul-seed', values['matmul-seed']),
  };
}

function parseModelList(list: string): ModelName[] {
  return list
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name.length > 0)
    .map((name) => {
      if (!isModelName(name)) throw new Error(`unknown model '${name}' in --models; known: ${MODEL_NAMES.join(', ')}`);
      return name;
    });
}

export function optionalPositiveInteger(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${flag} must be a positive integer, got '${text}'`);
  return value;
}
