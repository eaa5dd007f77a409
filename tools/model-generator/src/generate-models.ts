// Writes `<outDir>/<model>/1/model.onnx` (+ its stamp) for each requested model, skipping those
// already built with the same parameters. This is what setup and the tests call.
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GeneratorOptions, MODEL_NAMES, ModelName, recipeFor } from './model-catalog';
import { isUpToDate, stampPathFor, stampText } from './model-stamp';

export interface GeneratedModel {
  readonly name: ModelName;
  readonly path: string;
  /** 'skipped' when an up-to-date file was already there. */
  readonly action: 'written' | 'skipped';
  readonly bytes?: number;
}

export function generateModels(outDir: string, options: GeneratorOptions = {}): GeneratedModel[] {
  return (options.models ?? MODEL_NAMES).map((name) => generateModel(outDir, name, options));
}

function generateModel(outDir: string, name: ModelName, options: GeneratorOptions): GeneratedModel {
  const recipe = recipeFor(name, options);
  const versionDir = join(outDir, name, '1');
  const path = join(versionDir, 'model.onnx');
  if (isUpToDate(path, recipe.parameters)) return { name, path, action: 'skipped' };

  const bytes = recipe.build();
  mkdirSync(versionDir, { recursive: true });
  // Stamp removed first and written last, and the model renamed into place: an interrupted run
  // leaves no stamp that vouches for a half-written or stale file.
  rmSync(stampPathFor(path), { force: true });
  const partial = `${path}.partial`;
  writeFileSync(partial, bytes);
  renameSync(partial, path);
  writeFileSync(stampPathFor(path), stampText(recipe.parameters));
  return { name, path, action: 'written', bytes: bytes.byteLength };
}
