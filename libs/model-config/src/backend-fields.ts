import { invalidArg } from '@flotilla/contracts';
import type { ModelConfig } from './model-config.types';

export interface BackendFieldsContext {
  /** The model's directory name in the repository. */
  readonly modelName: string;
  /** File names in the model's first version directory, used to recognise the backend. */
  readonly versionDirFiles?: readonly string[];
}

interface BackendConvention {
  readonly backend: string;
  /** The platform name Triton pairs with this backend; undefined for backends without one. */
  readonly platform?: string;
  readonly defaultModelFilename: string;
}

/** The backends Flotilla runs, with Triton's naming conventions (core:src/constants.h). */
const BACKEND_CONVENTIONS: readonly BackendConvention[] = [
  { backend: 'onnxruntime', platform: 'onnxruntime_onnx', defaultModelFilename: 'model.onnx' },
  { backend: 'javascript', defaultModelFilename: 'model.js' },
];

/**
 * Triton's AutoCompleteBackendFields (spec §4.3): names the config after its directory and infers
 * `backend`, `platform` and `default_model_filename` from whichever of them is known, or from the
 * model file found in the version directory. Returns a new config; throws INVALID_ARG with
 * Triton's texts for a name/directory mismatch, a mismatched platform/backend pair, or neither set.
 */
export function completeBackendFields(config: ModelConfig, context: BackendFieldsContext): ModelConfig {
  if (config.name !== '' && config.name !== context.modelName) {
    throw invalidArg(`unexpected directory name '${context.modelName}' for model '${config.name}', directory name must equal model name`);
  }
  const completed: ModelConfig = { ...structuredClone(config), name: context.modelName };
  if (completed.backend === '') completed.backend = inferBackend(completed, context.versionDirFiles ?? []) ?? '';

  const convention = BACKEND_CONVENTIONS.find((candidate) => candidate.backend === completed.backend);
  if (convention !== undefined) {
    if (completed.platform === '') completed.platform = convention.platform ?? '';
    if (completed.platform !== (convention.platform ?? '')) {
      throw invalidArg(`unexpected 'platform' and 'backend' pair, got:${completed.platform}, ${completed.backend}`);
    }
    if (completed.default_model_filename === '') completed.default_model_filename = convention.defaultModelFilename;
  }
  if (completed.backend === '' && completed.platform === '') throw invalidArg(`must specify 'platform' or 'backend' for '${completed.name}'`);
  return completed;
}

/** Platform first, then the configured file name, then (only without a platform) the files present. */
function inferBackend(config: ModelConfig, versionDirFiles: readonly string[]): string | undefined {
  const byConfig = BACKEND_CONVENTIONS.find(
    (convention) =>
      (convention.platform !== undefined && convention.platform === config.platform) ||
      convention.defaultModelFilename === config.default_model_filename,
  );
  if (byConfig !== undefined || config.platform !== '') return byConfig?.backend;
  return BACKEND_CONVENTIONS.find((convention) => versionDirFiles.includes(convention.defaultModelFilename))?.backend;
}
