import { modelConfigToJson, parseModelConfig, renderPbtxt } from './model-config-text';
import type { ModelConfig } from './model-config.types';
import { PbtxtParseError } from './pbtxt/parse-error';

const EMPTY_CONFIG: ModelConfig = {
  name: '',
  platform: '',
  backend: '',
  runtime: '',
  max_batch_size: 0,
  input: [],
  output: [],
  instance_group: [],
  default_model_filename: '',
  cc_model_filenames: {},
  metric_tags: {},
  parameters: {},
};

const DENSENET_LIKE = `
# A typical Triton config, written the way users write them.
name: "densenet"
platform: "onnxruntime_onnx"
max_batch_size : 8
input [
  {
    name: "data_0"
    data_type: TYPE_FP32
    format: FORMAT_NCHW
    dims: [ 3, 224, 224 ]
    reshape { shape: [ 1, 3, 224, 224 ] }
  }
]
output [
  {
    name: "fc6_1"
    data_type: TYPE_FP32
    dims: [ 1000 ]
    label_filename: "densenet_labels.txt"
  }
]
instance_group [ { kind: KIND_CPU, count: 2 }, { name: "gpu" kind: KIND_GPU gpus: [0, 1] rate_limiter { resources [ { name: "R1" global: true count: 2 } ] priority: 2 } } ]
dynamic_batching {
  preferred_batch_size: [ 4, 8 ]
  max_queue_delay_microseconds: 100
  priority_levels: 2
  default_priority_level: 1
  default_queue_policy { timeout_action: DELAY default_timeout_microseconds: 5000 allow_timeout_override: true max_queue_size: 16 }
  priority_queue_policy { key: 2 value: { max_queue_size: 4 } }
}
version_policy: { specific: { versions: [1, 3] } }
parameters { key: "intra_op_thread_count" value: { string_value: "4" } }
optimization { input_pinned_memory { enable: false } }
`;

describe('parseModelConfig', () => {
  it('fills every primitive field with its default and leaves messages out', () => {
    expect(parseModelConfig('')).toEqual(EMPTY_CONFIG);
    expect(Object.keys(parseModelConfig(''))).toEqual(Object.keys(EMPTY_CONFIG));
  });

  it('reads a realistic config, defaulting inside nested messages too', () => {
    const config = parseModelConfig(DENSENET_LIKE);
    expect(config.max_batch_size).toBe(8);
    expect(config.input[0]).toEqual({
      name: 'data_0',
      data_type: 'TYPE_FP32',
      format: 'FORMAT_NCHW',
      dims: [3, 224, 224],
      reshape: { shape: [1, 3, 224, 224] },
      is_shape_tensor: false,
      allow_ragged_batch: false,
      optional: false,
    });
    expect(config.instance_group).toEqual([
      { name: '', kind: 'KIND_CPU', count: 2, gpus: [], secondary_devices: [], profile: [], passive: false, host_policy: '' },
      {
        name: 'gpu',
        kind: 'KIND_GPU',
        count: 0,
        rate_limiter: { resources: [{ name: 'R1', global: true, count: 2 }], priority: 2 },
        gpus: [0, 1],
        secondary_devices: [],
        profile: [],
        passive: false,
        host_policy: '',
      },
    ]);
    expect(config.dynamic_batching).toEqual({
      preferred_batch_size: [4, 8],
      max_queue_delay_microseconds: 100,
      preserve_ordering: false,
      priority_levels: 2,
      default_priority_level: 1,
      default_queue_policy: { timeout_action: 'DELAY', default_timeout_microseconds: 5000, allow_timeout_override: true, max_queue_size: 16 },
      priority_queue_policy: { '2': { timeout_action: 'REJECT', default_timeout_microseconds: 0, allow_timeout_override: false, max_queue_size: 4 } },
    });
    expect(config.version_policy).toEqual({ specific: { versions: [1, 3] } });
    expect(config.parameters).toEqual({ intra_op_thread_count: { string_value: '4' } });
    expect(config.optimization).toEqual({ priority: 'PRIORITY_DEFAULT', input_pinned_memory: { enable: false }, gather_kernel_buffer_threshold: 0, eager_batching: false });
  });

  it('names file, line and column in errors', () => {
    const text = `${'\n'.repeat(11)}    max_batchsize: 8`;
    expect(() => parseModelConfig(text)).toThrow(new PbtxtParseError('config.pbtxt', 12, 5, "unknown field 'max_batchsize' in ModelConfig"));
    expect(() => parseModelConfig(text)).toThrow("config.pbtxt:12:5: unknown field 'max_batchsize' in ModelConfig");
    expect(() => parseModelConfig('input { data_type: TYPE_FLOAT }', 'm/config.pbtxt')).toThrow(
      "m/config.pbtxt:1:20: unknown value 'TYPE_FLOAT' of enum DataType for field 'data_type' in ModelInput",
    );
  });

  it('says so when a config uses a Triton feature this server does not implement', () => {
    expect(() => parseModelConfig('sequence_batching {}')).toThrow("config.pbtxt:1:1: field 'sequence_batching' in ModelConfig is not supported by this server");
  });

  it('rejects two version policies at once', () => {
    expect(() => parseModelConfig('version_policy { latest {} all {} }')).toThrow("field 'all' in ModelVersionPolicy and field 'latest' are both set");
  });
});

describe('renderPbtxt', () => {
  it('writes canonical text that parses back to the same config', () => {
    const config = parseModelConfig(DENSENET_LIKE);
    const text = renderPbtxt(config);
    expect(parseModelConfig(text)).toEqual(config);
    expect(text).toContain('input {\n  name: "data_0"\n  data_type: TYPE_FP32\n  format: FORMAT_NCHW\n  dims: [3, 224, 224]\n  reshape {\n    shape: [1, 3, 224, 224]\n  }\n}\n');
    expect(text).toContain('version_policy {\n  specific {\n    versions: [1, 3]\n  }\n}\n');
  });

  it('keeps empty but present messages, since their presence matters', () => {
    expect(renderPbtxt(parseModelConfig('dynamic_batching {} version_policy { all {} }'))).toBe('version_policy {\n  all {}\n}\ndynamic_batching {}\n');
  });
});

describe('modelConfigToJson', () => {
  it("is Triton's JSON form: snake_case, enums by name, all primitive fields, unset messages absent", () => {
    const json = modelConfigToJson(parseModelConfig('name: "m" max_batch_size: 4 input { name: "x" data_type: TYPE_STRING dims: [-1] } dynamic_batching {}'));
    expect(json).toEqual({
      ...EMPTY_CONFIG,
      name: 'm',
      max_batch_size: 4,
      input: [{ name: 'x', data_type: 'TYPE_STRING', format: 'FORMAT_NONE', dims: [-1], is_shape_tensor: false, allow_ragged_batch: false, optional: false }],
      dynamic_batching: {
        preferred_batch_size: [],
        max_queue_delay_microseconds: 0,
        preserve_ordering: false,
        priority_levels: 0,
        default_priority_level: 0,
        priority_queue_policy: {},
      },
    });
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });

  it('returns a copy that does not share structure with the config', () => {
    const config = parseModelConfig('input { name: "x" dims: [1] }');
    const json = modelConfigToJson(config) as { input: { dims: number[] }[] };
    json.input[0].dims.push(2);
    expect(config.input[0].dims).toEqual([1]);
  });
});
