import { invalidArg } from '@flotilla/contracts';
import type { ModelConfig, ModelInput, ModelOutput } from './model-config.types';

/** Triton's wildcard dimension: any size. */
const VARIABLE_DIM = -1;

/**
 * Checks the declared inputs and outputs. Triton would fill missing ones in from the model file
 * (auto-complete); Flotilla does not yet, so a config must declare at least one of each.
 */
export function validateTensors(config: ModelConfig): void {
  if (config.input.length === 0) throw invalidArg(`model '${config.name}' must declare at least one input: inputs are not auto-completed from the model file`);
  if (config.output.length === 0) throw invalidArg(`model '${config.name}' must declare at least one output: outputs are not auto-completed from the model file`);
  validateTensorList('input', config.input, config.name);
  validateTensorList('output', config.output, config.name);
}

function validateTensorList(role: 'input' | 'output', tensors: readonly (ModelInput | ModelOutput)[], model: string): void {
  const seen = new Set<string>();
  for (const tensor of tensors) {
    if (tensor.name === '') throw invalidArg(`model ${role} must specify 'name' for ${model}`);
    const prefix = `model ${role} '${tensor.name}'`;
    if (seen.has(tensor.name)) throw invalidArg(`${prefix} is declared more than once for ${model}`);
    seen.add(tensor.name);
    if (tensor.data_type === 'TYPE_INVALID') throw invalidArg(`${prefix} must specify 'data_type' for ${model}`);
    if (!tensor.dims.every(isValidDim)) {
      throw invalidArg(`${prefix} dimension must be integer >= 1, or ${VARIABLE_DIM} to indicate a variable-size dimension for ${model}`);
    }
    if (tensor.reshape !== undefined && !tensor.reshape.shape.every(isValidDim)) {
      throw invalidArg(`${prefix} reshape dimensions must be integer >= 1, or ${VARIABLE_DIM} to indicate a variable-size dimension for ${model}`);
    }
  }
}

function isValidDim(dim: number): boolean {
  return dim >= 1 || dim === VARIABLE_DIM;
}
