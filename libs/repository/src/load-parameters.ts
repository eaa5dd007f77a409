import { invalidArg } from '@flotilla/contracts';
import { modelConfigFromJson, type ModelConfig } from '@flotilla/model-config';
import { parseFileOverridePath, type FileOverride } from './file-override-path';

/** A load request's parameter as either protocol carries it (HTTP JSON, or gRPC's ModelRepositoryParameter). */
export type LoadParameterValue = boolean | number | string | Uint8Array;

/** What a load request asks beyond "load the model from its folder". */
export interface LoadOverrides {
  /** `parameters.config`: a config in Triton's JSON form that replaces the folder's config.pbtxt. */
  readonly config?: ModelConfig;
  /** `file:<version>/<path>`: the model folder's contents instead of the user's folder (needs `config`). */
  readonly files: readonly FileOverride[];
}

/**
 * Reads the load API's parameters (triton-spec §4.6): `config`, a JSON string, and any number of
 * `file:<version>/<path>` contents (base64 over HTTP, bytes over gRPC). Anything else is refused
 * with Triton's text, so no parameter is accepted and ignored; a file path that could reach
 * outside the model's own folder is refused naming it (`parseFileOverridePath`).
 */
export function parseLoadParameters(model: string, parameters: Readonly<Record<string, LoadParameterValue>>): LoadOverrides {
  let config: ModelConfig | undefined;
  const files: FileOverride[] = [];
  for (const [key, value] of Object.entries(parameters)) {
    if (key === 'config' && typeof value === 'string') {
      config = parseConfigOverride(model, value);
    } else if (key.startsWith('file:') && (typeof value === 'string' || value instanceof Uint8Array)) {
      files.push({ ...parseFileOverridePath(key), contents: typeof value === 'string' ? decodeBase64(key, value) : value });
    } else {
      throw invalidArg(`Unrecognized load parameter '${key}' with type '${typeName(value)}'`);
    }
  }
  if (files.length > 0 && !config) throw invalidArg(`load failed for model '${model}': file overrides need the 'config' parameter too (the override folder has no config.pbtxt of its own)`);
  return { ...(config ? { config } : {}), files };
}

function parseConfigOverride(model: string, text: string): ModelConfig {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw invalidArg(`Invalid config override: ${(error as Error).message}`);
  }
  let config: ModelConfig;
  try {
    config = modelConfigFromJson(json);
  } catch (error) {
    throw invalidArg(`Invalid config override: ${(error as Error).message}`);
  }
  if (config.name !== '' && config.name !== model) {
    throw invalidArg(`Invalid config override: unexpected directory name '${model}' for model '${config.name}', directory name must equal model name`);
  }
  return config;
}

/** Strict base64: a typo must not become a silently different model file. */
function decodeBase64(key: string, text: string): Uint8Array {
  const compact = text.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 !== 0) throw invalidArg(`load parameter '${key}' is not valid base64`);
  return Buffer.from(compact, 'base64');
}

function typeName(value: LoadParameterValue): string {
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int64' : 'double';
  if (typeof value === 'string') return 'string';
  return 'bytes';
}
