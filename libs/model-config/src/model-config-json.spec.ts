import { modelConfigFromJson, modelConfigToJson, parseModelConfig } from './index';

const TEXT = `name: "m" platform: "onnxruntime_onnx" max_batch_size: 8
input [ { name: "x" data_type: TYPE_FP32 dims: [ 4 ] } ]
output [ { name: "y" data_type: TYPE_FP32 dims: [ 4 ] } ]
instance_group [ { name: "g" kind: KIND_CPU count: 3 } ]
dynamic_batching { max_queue_delay_microseconds: 100 }
parameters { key: "k" value: { string_value: "v" } }`;

describe('modelConfigFromJson', () => {
  it("reads back exactly what the config endpoint prints (Triton's JSON form)", () => {
    const config = parseModelConfig(TEXT);
    const json = JSON.parse(JSON.stringify(modelConfigToJson(config)));
    expect(modelConfigFromJson(json)).toEqual(config);
  });

  it('accepts 64-bit integers as decimal strings and enums by number, as protobuf JSON does', () => {
    const config = modelConfigFromJson({ name: 'm', max_batch_size: '4', input: [{ name: 'x', data_type: 11, dims: ['-1'] }] });
    expect(config.max_batch_size).toBe(4);
    expect(config.input[0]).toMatchObject({ data_type: 'TYPE_FP32', dims: [-1] });
  });

  it('refuses unknown fields, wrong types and unknown enum names, naming the field', () => {
    expect(() => modelConfigFromJson({ name: 'm', colour: 'red' })).toThrow("'colour' is not a field of ModelConfig");
    expect(() => modelConfigFromJson({ max_batch_size: 'four' })).toThrow("'max_batch_size' must be an integer");
    expect(() => modelConfigFromJson({ instance_group: [{ kind: 'KIND_TPU' }] })).toThrow("'instance_group[0].kind' must be one of KIND_AUTO");
    expect(() => modelConfigFromJson([])).toThrow('a ModelConfig must be a JSON object');
    expect(() => modelConfigFromJson({ input: { name: 'x' } })).toThrow("'input' must be a JSON array");
  });
});
