import { FlotillaError } from '@flotilla/contracts';
import { parseModelConfig } from './model-config-text';
import { normalizeModelConfig } from './normalize';
import { validateModelConfig } from './validate';

const IO = 'input { name: "x" data_type: TYPE_FP32 dims: [4] } output { name: "y" data_type: TYPE_FP32 dims: [4] }';

/** Parses, normalises (like the loader does) and validates; returns the error, if any. */
function validationError(text: string, gpus: number[] = [], modelName = 'm'): FlotillaError | undefined {
  const env = { gpus };
  const config = normalizeModelConfig(parseModelConfig(`name: "${modelName}" platform: "onnxruntime_onnx" backend: "onnxruntime" ${text}`), env);
  try {
    validateModelConfig(config, env);
    return undefined;
  } catch (error) {
    if (error instanceof FlotillaError) return error;
    throw error;
  }
}

describe('validateModelConfig', () => {
  it('accepts a sound config', () => {
    expect(validationError(`${IO} max_batch_size: 8 dynamic_batching { preferred_batch_size: [2, 8] }`)).toBeUndefined();
    expect(validationError(`${IO} instance_group { kind: KIND_GPU gpus: [1] }`, [0, 1])).toBeUndefined();
  });

  it.each([
    // §1.4 instance groups (checklist 7–10)
    ['instance_group [{ name: "invalid_cpu_0" kind: KIND_CPU gpus: [0] }]', [0], 'instance group invalid_cpu_0 of model m has kind KIND_CPU but specifies one or more GPUs'],
    ['instance_group { kind: KIND_MODEL gpus: [0] }', [0], 'instance group m_0 of model m has kind KIND_MODEL but specifies one or more GPUs'],
    ['instance_group { gpus: [3] }', [0], 'instance group m_0 of model m has kind KIND_CPU but specifies one or more GPUs'],
    ['instance_group { kind: KIND_GPU }', [], 'instance group m_0 of model m has kind KIND_GPU but no GPUs are available'],
    ['instance_group { kind: KIND_GPU gpus: [42] }', [0], 'instance group m_0 of model m specifies invalid or unsupported gpu id 42. GPUs with at least the minimum required CUDA compute compatibility of 6.0 are: 0'],
    ['instance_group [{ kind: KIND_GPU }, { kind: KIND_GPU gpus: [-1] }]', [0, 1], 'instance group m_1 of model m specifies invalid or unsupported gpu id -1. GPUs with at least the minimum required CUDA compute compatibility of 6.0 are: 0, 1'],
    ['instance_group { kind: KIND_CPU profile: ["0"] }', [], 'instance group m_0 of model m and platform onnxruntime_onnxspecifies profile field which is only supported for TensorRT models'],
    // §3.2
    ['max_batch_size: -1', [], "'max_batch_size' must be non-negative value for m"],
    // dims
    ['input { name: "input" data_type: TYPE_FP32 dims: [0] }', [], "model input 'input' dimension must be integer >= 1, or -1 to indicate a variable-size dimension for m"],
    ['output { name: "out" data_type: TYPE_FP32 dims: [4, -2] }', [], "model output 'out' dimension must be integer >= 1, or -1 to indicate a variable-size dimension for m"],
    ['input { name: "r" data_type: TYPE_FP32 dims: [4] reshape { shape: [0] } }', [], "model input 'r' reshape dimensions must be integer >= 1, or -1 to indicate a variable-size dimension for m"],
    ['input { data_type: TYPE_FP32 dims: [4] }', [], "model input must specify 'name' for m"],
    ['input { name: "x" data_type: TYPE_FP32 dims: [4] }', [], "model input 'x' is declared more than once for m"],
    ['output { name: "z" dims: [4] }', [], "model output 'z' must specify 'data_type' for m"],
    // §3.3 dynamic batching (checklist 38)
    ['max_batch_size: 4 dynamic_batching { preferred_batch_size: [0] }', [], 'dynamic batching preferred size must be positive for m'],
    ['max_batch_size: 4 dynamic_batching { preferred_batch_size: [8] }', [], 'dynamic batching preferred size must be <= max batch size for m'],
    ['max_batch_size: 4 dynamic_batching { priority_levels: 3 }', [], 'default priority level must be in range [1, 3] for m'],
    ['max_batch_size: 4 dynamic_batching { priority_levels: 3 default_priority_level: 4 }', [], 'default priority level must be in range [1, 3] for m'],
    ['max_batch_size: 4 dynamic_batching { priority_levels: 3 default_priority_level: 1 priority_queue_policy { key: 0 value {} } }', [], 'priority queue policy must have priority level in range [1, 3] for m'],
    ['max_batch_size: 4 dynamic_batching { priority_levels: 3 default_priority_level: 1 priority_queue_policy { key: 4 value {} } }', [], 'priority queue policy must have priority level in range [1, 3] for m'],
    ['max_batch_size: 4 dynamic_batching { preserve_ordering: true priority_levels: 2 default_priority_level: 1 }', [], "Only one priority level is allowed when 'preserve_ordering' is true for m"],
    ['max_batch_size: 4 dynamic_batching { preserve_ordering: true default_queue_policy { timeout_action: DELAY default_timeout_microseconds: 10 } }', [], "Queue policy can not have DELAY as timeout action when 'preserve_ordering' is true for m"],
    ['max_batch_size: 4 dynamic_batching { preserve_ordering: true priority_levels: 1 default_priority_level: 1 priority_queue_policy { key: 1 value { timeout_action: DELAY default_timeout_microseconds: 10 } } }', [], "Queue policy can not have DELAY as timeout action when 'preserve_ordering' is true for m"],
  ])('%s ⇒ %s', (text, gpus, message) => {
    expect(validationError(`${IO} ${text}`, gpus)).toEqual(new FlotillaError('INVALID_ARG', message));
  });

  it('allows DELAY with preserve_ordering when there is no timeout to act on', () => {
    expect(validationError(`${IO} max_batch_size: 4 dynamic_batching { preserve_ordering: true default_queue_policy { timeout_action: DELAY } }`)).toBeUndefined();
  });

  it('requires declared inputs and outputs, since they are not auto-completed', () => {
    expect(validationError('output { name: "y" data_type: TYPE_FP32 dims: [1] }')?.message).toBe(
      "model 'm' must declare at least one input: inputs are not auto-completed from the model file",
    );
    expect(validationError('input { name: "x" data_type: TYPE_FP32 dims: [1] }')?.message).toBe(
      "model 'm' must declare at least one output: outputs are not auto-completed from the model file",
    );
  });

  it('requires a name and at least one instance group', () => {
    const env = { gpus: [] };
    const base = normalizeModelConfig(parseModelConfig(`name: "m" ${IO}`), env);
    expect(() => validateModelConfig({ ...base, name: '' }, env)).toThrow("model configuration must specify 'name'");
    expect(() => validateModelConfig({ ...base, instance_group: [] }, env)).toThrow("must specify one or more 'instance group's for m");
  });

  it('reports an un-normalised KIND_AUTO group as an internal error', () => {
    const config = parseModelConfig(`name: "m" ${IO} instance_group { name: "g" count: 1 }`);
    expect(() => validateModelConfig(config, { gpus: [] })).toThrow(new FlotillaError('INTERNAL', 'instance group g of model m has unexpected kind KIND_AUTO'));
  });
});
