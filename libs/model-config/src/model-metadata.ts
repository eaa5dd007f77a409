import type { TensorDescriptor } from '@flotilla/contracts';
import { dataTypeToDatatype } from './datatype-mapping';
import type { ModelConfig, ModelInput, ModelOutput } from './model-config.types';

/** KServe v2 model metadata (`GET /v2/models/<m>[/versions/<v>]`). */
export interface ModelMetadata {
  readonly name: string;
  readonly versions: string[];
  readonly platform: string;
  readonly inputs: TensorDescriptor[];
  readonly outputs: TensorDescriptor[];
}

/**
 * Metadata as Triton reports it (spec §3.2, §4.3): versions as strings, platform falling back to
 * the backend name, and a leading -1 batch dimension on every tensor of a batching model.
 */
export function modelMetadata(config: ModelConfig, versions: readonly number[]): ModelMetadata {
  const describe = (tensor: ModelInput | ModelOutput): TensorDescriptor => ({
    name: tensor.name,
    datatype: dataTypeToDatatype(tensor.data_type),
    shape: config.max_batch_size > 0 ? [-1, ...tensor.dims] : [...tensor.dims],
  });
  return {
    name: config.name,
    versions: versions.map(String),
    platform: config.platform || config.backend,
    inputs: config.input.map(describe),
    outputs: config.output.map(describe),
  };
}
