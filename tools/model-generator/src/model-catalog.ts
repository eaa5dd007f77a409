// The models the generator knows: for each, the parameters that decide its bytes (recorded in the
// stamp, so a change regenerates it) and how to build it.
import { buildIdentityBytesModel } from './models/identity-bytes';
import { buildIdentityFp32Model } from './models/identity-fp32';
import { buildMatmulChainModel } from './models/matmul-chain';
import { buildSimpleModel } from './models/simple';

export const MODEL_NAMES = ['simple', 'identity_fp32', 'identity_bytes', 'matmul_chain'] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

/**
 * Defaults chosen so that one batch-1 run of matmul_chain takes 20–50 ms on one core
 * (intraOpNumThreads 1). Measured on the 2-core development machine: ~29 ms/run, 4 MiB file.
 * Re-check with `node dist/tools/model-generator/src/measure.js`.
 */
export const DEFAULT_MATMUL_SIZE = 1024;
export const DEFAULT_MATMUL_LAYERS = 240;
export const DEFAULT_MATMUL_SEED = 20261126;

export interface GeneratorOptions {
  readonly models?: readonly ModelName[];
  readonly matmulSize?: number;
  readonly matmulLayers?: number;
  readonly matmulSeed?: number;
}

/** Bump when a builder changes the bytes it writes for the same parameters, so old files are regenerated. */
const GENERATOR_VERSION = 1;

export interface ModelRecipe {
  readonly name: ModelName;
  /** Everything the file's bytes depend on; equal parameters mean the existing file can be kept. */
  readonly parameters: Readonly<Record<string, string | number>>;
  build(): Uint8Array;
}

export function recipeFor(name: ModelName, options: GeneratorOptions): ModelRecipe {
  switch (name) {
    case 'simple':
      return { name, parameters: { model: name, generatorVersion: GENERATOR_VERSION }, build: buildSimpleModel };
    case 'identity_fp32':
      return { name, parameters: { model: name, generatorVersion: GENERATOR_VERSION }, build: buildIdentityFp32Model };
    case 'identity_bytes':
      return { name, parameters: { model: name, generatorVersion: GENERATOR_VERSION }, build: buildIdentityBytesModel };
    case 'matmul_chain': {
      const chain = {
        size: options.matmulSize ?? DEFAULT_MATMUL_SIZE,
        layers: options.matmulLayers ?? DEFAULT_MATMUL_LAYERS,
        seed: options.matmulSeed ?? DEFAULT_MATMUL_SEED,
      };
      return { name, parameters: { model: name, generatorVersion: GENERATOR_VERSION, ...chain }, build: () => buildMatmulChainModel(chain) };
    }
  }
}

export function isModelName(value: string): value is ModelName {
  return (MODEL_NAMES as readonly string[]).includes(value);
}
