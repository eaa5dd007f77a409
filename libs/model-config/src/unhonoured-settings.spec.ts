import { FlotillaError } from '@flotilla/contracts';
import { parseModelConfig } from './model-config-text';
import { normalizeModelConfig } from './normalize';
import { unhonouredSettingWarnings } from './unhonoured-settings';
import { validateModelConfig } from './validate';

const IO = 'input { name: "x" data_type: TYPE_FP32 dims: [4] } output { name: "y" data_type: TYPE_FP32 dims: [4] }';
const HEAD = 'name: "m" platform: "onnxruntime_onnx" backend: "onnxruntime"';

/** Parses, normalises and validates as the loader does; returns the refusal, if any. */
function refusal(text: string, head = HEAD): string | undefined {
  const env = { gpus: [] };
  try {
    validateModelConfig(normalizeModelConfig(parseModelConfig(`${head} ${text}`), env), env);
    return undefined;
  } catch (error) {
    if (error instanceof FlotillaError) return error.message;
    throw error;
  }
}

const warnings = (text: string, head = HEAD) => unhonouredSettingWarnings(parseModelConfig(`${head} ${text}`));

describe('settings Flotilla cannot honour', () => {
  it.each([
    ['model_transaction_policy { decoupled: true }', "model_transaction_policy.decoupled is not supported by Flotilla for model 'm': every request gets exactly one response"],
    ['input { name: "r" data_type: TYPE_FP32 dims: [4] reshape { shape: [2, 2] } }', "input 'r' reshape is not supported by Flotilla for model 'm'"],
    ['output { name: "s" data_type: TYPE_INT64 dims: [1] is_shape_tensor: true }', "output 's' is_shape_tensor is not supported"],
    ['instance_group { name: "g" kind: KIND_CPU secondary_devices { kind: KIND_NVDLA device_id: 0 } }', "instance_group 'g' secondary_devices is not supported"],
    ['runtime: "libcustom.so"', "runtime 'libcustom.so' is not supported by Flotilla"],
  ])('refuses %s at load, naming the field', (text, message) => {
    expect(refusal(`${IO} ${text}`)).toContain(message);
  });

  it('refuses a backend or platform Flotilla does not run, naming it', () => {
    expect(refusal(IO, 'name: "m" backend: "pytorch"')).toBe("backend 'pytorch' is not supported by Flotilla for model 'm': Flotilla runs only the onnxruntime and javascript backends");
    expect(refusal(IO, 'name: "m" platform: "tensorrt_plan"')).toContain("platform 'tensorrt_plan' is not supported by Flotilla");
    expect(refusal(IO, 'name: "m" backend: "javascript"')).toBeUndefined();
  });

  it('loads what it honours without a word: decoupled false, the cache off, a plain config, the dynamic batcher', () => {
    const plain = `${IO} max_batch_size: 8 dynamic_batching { preferred_batch_size: [4] max_queue_delay_microseconds: 100 priority_levels: 2 default_priority_level: 1 } model_transaction_policy { decoupled: false } response_cache { enable: false } parameters { key: "intra_op_thread_count" value { string_value: "1" } }`;
    expect(refusal(plain)).toBeUndefined();
    expect(warnings(plain)).toEqual([]);
  });

  it('warns once per setting accepted without effect, naming each', () => {
    const text = `
      input { name: "x" data_type: TYPE_FP32 dims: [4] allow_ragged_batch: true }
      output { name: "y" data_type: TYPE_FP32 dims: [4] label_filename: "labels.txt" }
      optimization { graph { level: 1 } priority: PRIORITY_MAX cuda { graphs: true } execution_accelerators { gpu_execution_accelerator { name: "tensorrt" } }
                     input_pinned_memory { enable: false } gather_kernel_buffer_threshold: 4 eager_batching: true }
      instance_group { host_policy: "numa0" }
      cc_model_filenames { key: "7.5" value: "model_75.onnx" }
      metric_tags { key: "team" value: "vision" }
      parameters { key: "enable_mem_arena" value { string_value: "0" } }
      response_cache { enable: true }`;
    expect(refusal(text)).toBeUndefined();
    expect(warnings(text).map((w) => w.slice(0, w.indexOf(' is accepted but has no effect')))).toEqual([
      'response_cache.enable',
      "input 'x' allow_ragged_batch",
      "output 'y' label_filename",
      'optimization.graph',
      'optimization.priority',
      'optimization.cuda',
      'optimization.execution_accelerators',
      'optimization.input_pinned_memory',
      'optimization.gather_kernel_buffer_threshold',
      'optimization.eager_batching',
      "instance_group '0' host_policy",
      "cc_model_filenames '7.5'",
      "metric_tags 'team'",
      "parameters 'enable_mem_arena'",
    ]);
    expect(warnings(text)[0]).toBe('response_cache.enable is accepted but has no effect: there is no response cache; every request is computed');
  });

  it('does not warn about what normalisation fills in (pinned memory), nor about parameters a javascript model reads', () => {
    const normalized = normalizeModelConfig(parseModelConfig(`${HEAD} ${IO}`), { gpus: [] });
    expect(normalized.optimization?.input_pinned_memory).toEqual({ enable: true });
    expect(warnings(IO)).toEqual([]);
    expect(warnings(`${IO} parameters { key: "sleep_ms" value { string_value: "5" } }`, 'name: "m" backend: "javascript"')).toEqual([]);
  });
});
