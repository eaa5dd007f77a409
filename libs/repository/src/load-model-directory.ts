import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { FlotillaError, type ModelRecord, type ModelVersionRecord } from '@flotilla/contracts';
import {
  autoCompleteOnnxConfig,
  completeBackendFields,
  readOnnxIo,
  type OnnxIo,
  modelConfigToJson,
  normalizeModelConfig,
  parseModelConfig,
  parseVersionDirName,
  selectVersions,
  unhonouredSettingWarnings,
  validateModelConfig,
  type ModelConfig,
} from '@flotilla/model-config';
import { buildVersionManifest, FileDigests } from '@flotilla/model-store';

export interface RepositoryEnvironment {
  /** GPU ids the fleet offers; instance-group defaults and validation depend on them (spec §1.2). */
  readonly gpus: readonly number[];
  /**
   * Triton's auto-complete (on unless --disable-auto-complete-config): an ONNX model's missing
   * config.pbtxt, inputs, outputs and batching are completed from the model file.
   */
  readonly autoCompleteConfig?: boolean;
  /** Digests already computed, so that a reload reads only the files that changed. */
  readonly digests?: FileDigests;
}

/** What a load request replaces (the load API's parameters): the config, and the folder read. */
export interface ModelSource {
  /** Used instead of the folder's config.pbtxt. */
  readonly config?: ModelConfig;
  /** The model folder to read instead of `<repository>/<name>` (a private copy holding file overrides). */
  readonly dir?: string;
}

/**
 * Loads one model directory the way Triton does: read and parse `config.pbtxt` (or take the load
 * request's config), fill the backend fields, auto-complete an ONNX model's missing inputs, outputs
 * and batching from the model file, normalise, validate, then pick the versions the version
 * policy selects. Never throws: a model that fails is returned with its reason, so that one broken
 * model never stops the others from loading.
 */
export async function loadModelDirectory(repository: string, name: string, env: RepositoryEnvironment, source: ModelSource = {}): Promise<ModelRecord> {
  const dir = source.dir ?? join(repository, name);
  try {
    const versionDirs = await listVersionDirs(dir);
    const firstVersionFiles = versionDirs.length > 0 ? await readdir(join(dir, String(versionDirs[0]))) : [];
    const autoComplete = env.autoCompleteConfig ?? true;
    // With auto-complete, a folder whose first version holds model.onnx needs no config.pbtxt.
    const bare = autoComplete && firstVersionFiles.includes('model.onnx');
    let config = source.config ?? (await readConfig(join(dir, 'config.pbtxt'), bare));
    const warnings = unhonouredSettingWarnings(config); // as written: normalisation's defaults do not warn
    config = completeBackendFields(config, { modelName: name, versionDirFiles: firstVersionFiles });
    if (autoComplete && config.backend === 'onnxruntime' && versionDirs.length > 0 && (config.input.length === 0 || config.output.length === 0)) {
      // Triton inspects the first version folder only (triton-spec §4.3).
      config = autoCompleteOnnxConfig(config, await readModelIo(join(dir, String(versionDirs[0]), config.default_model_filename)));
    }
    config = normalizeModelConfig(config, { gpus: [...env.gpus] });
    validateModelConfig(config, { gpus: [...env.gpus] });
    const selected = selectVersions(config.version_policy, versionDirs, name);
    const versions = await Promise.all(selected.map((version) => loadVersion(dir, version, config, env.digests)));
    return { name, config: modelConfigToJson(config), versions, reason: '', ...(warnings.length > 0 ? { warnings } : {}) };
  } catch (error) {
    return { name, versions: [], reason: error instanceof Error ? error.message : String(error) };
  }
}

/** The graph's inputs and outputs, read from the model file (auto-complete). */
async function readModelIo(path: string): Promise<OnnxIo> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new FlotillaError('INVALID_ARG', `autofill failed: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return readOnnxIo(bytes);
}

/** `missingIsEmpty`: a missing file reads as an empty config, for auto-complete to fill. */
async function readConfig(path: string, missingIsEmpty = false): Promise<ModelConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (missingIsEmpty && (error as NodeJS.ErrnoException).code === 'ENOENT') return parseModelConfig('', path);
    throw new FlotillaError('INVALID_ARG', `failed to open text file for read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  try {
    return parseModelConfig(text, path);
  } catch (error) {
    // Triton's text first, so clients matching on it still do; then where and why.
    throw new FlotillaError('INTERNAL', `failed to read text proto from ${path}: ${(error as Error).message}`);
  }
}

/** Numeric version directories, ascending; other entries (`0`-prefixed, non-numeric, files) are ignored. */
async function listVersionDirs(dir: string): Promise<number[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => parseVersionDirName(entry.name))
    .filter((version): version is number => version !== undefined)
    .sort((a, b) => a - b);
}

/** A version whose model file is there, with the manifest of its folder (what executors fetch from the model store). */
async function loadVersion(dir: string, version: number, config: ModelConfig, digests = new FileDigests()): Promise<ModelVersionRecord> {
  const versionDir = join(dir, String(version));
  const path = join(versionDir, config.default_model_filename);
  const found = await stat(path).catch(() => undefined);
  if (!found) return { version, state: 'UNAVAILABLE', reason: `model file not found: ${path}`, path };
  try {
    return { version, state: 'READY', reason: '', path, manifest: await buildVersionManifest(versionDir, config.default_model_filename, digests) };
  } catch (error) {
    return { version, state: 'UNAVAILABLE', reason: `cannot read the files of ${versionDir}: ${(error as Error).message}`, path };
  }
}
