import { invalidArg } from '@flotilla/contracts';
import { modelConfigFromJson, modelConfigToJson } from './model-config-text';
import type { ModelConfig } from './model-config.types';
import type { OnnxIo, OnnxTensorInfo } from './onnx-io';

/** Triton's `default-max-batch-size` backend setting, 4 unless configured (core:src/backend_model.cc). */
export const DEFAULT_MAX_BATCH_SIZE = 4;

/**
 * Completes an ONNX model's config from the model itself, as Triton's onnxruntime backend does
 * (triton-spec §4.4): missing inputs and outputs come from the graph (names, data types, dims);
 * when the config names none of them and every model tensor has a variable first dimension, the
 * model batches — `max_batch_size` 4 and `dynamic_batching {}` (normalisation then sets its
 * preferred size to 4). A config that sets `max_batch_size` for a model whose tensors cannot batch
 * is refused with Triton's text. Tensors the config already lists are kept as written.
 */
export function autoCompleteOnnxConfig(config: ModelConfig, io: OnnxIo): ModelConfig {
  const name = config.name;
  for (const tensor of [...io.inputs, ...io.outputs]) {
    if (!tensor.dataType) throw invalidArg(`autofill failed for model '${name}': tensor '${tensor.name}' has an ONNX element type Triton has no data type for`);
  }
  const batchable = [...io.inputs, ...io.outputs].every((tensor) => tensor.dims.length > 0 && tensor.dims[0] === -1);
  let maxBatchSize = config.max_batch_size;
  if (maxBatchSize === 0 && batchable && config.input.length === 0 && config.output.length === 0) maxBatchSize = DEFAULT_MAX_BATCH_SIZE;
  if (maxBatchSize > 0 && !batchable) throw invalidArg(`autofill failed for model '${name}': model does not support batching while non-zero max_batch_size is specified`);
  const tensor = (info: OnnxTensorInfo) => ({ name: info.name, data_type: info.dataType, dims: maxBatchSize > 0 ? info.dims.slice(1) : [...info.dims] });
  const json = modelConfigToJson(config);
  return modelConfigFromJson({
    ...json,
    max_batch_size: maxBatchSize,
    input: config.input.length > 0 ? json.input : io.inputs.map(tensor),
    output: config.output.length > 0 ? json.output : io.outputs.map(tensor),
    ...(maxBatchSize > 1 && !config.dynamic_batching ? { dynamic_batching: {} } : {}),
  });
}
