import { parseLoadParameters } from './load-parameters';

const CONFIG = JSON.stringify({ name: 'm', backend: 'onnxruntime', max_batch_size: 0, input: [{ name: 'x', data_type: 'TYPE_FP32', dims: [4] }], output: [{ name: 'y', data_type: 'TYPE_FP32', dims: [4] }] });

describe('parseLoadParameters', () => {
  it('takes no parameters as "load from the folder"', () => {
    expect(parseLoadParameters('m', {})).toEqual({ files: [] });
  });

  it('reads a JSON config and base64 or byte file contents', () => {
    const overrides = parseLoadParameters('m', { config: CONFIG, 'file:1/model.onnx': Buffer.from('onnx!').toString('base64'), 'file:2/model.onnx': new Uint8Array([1, 2]) });
    expect(overrides.config).toMatchObject({ name: 'm', backend: 'onnxruntime', input: [{ name: 'x', dims: [4] }] });
    expect(overrides.files.map((f) => [f.version, f.path, Buffer.from(f.contents).toString('latin1')])).toEqual([
      [1, 'model.onnx', 'onnx!'],
      [2, 'model.onnx', '\x01\x02'],
    ]);
  });

  it("refuses what it would otherwise ignore, with Triton's texts", () => {
    expect(() => parseLoadParameters('m', { colour: 'red' })).toThrow("Unrecognized load parameter 'colour' with type 'string'");
    expect(() => parseLoadParameters('m', { config: true })).toThrow("Unrecognized load parameter 'config' with type 'bool'");
    expect(() => parseLoadParameters('m', { config: '{nope' })).toThrow(/^Invalid config override: /);
    expect(() => parseLoadParameters('m', { config: '{"max_batch_size": "many"}' })).toThrow("Invalid config override: 'max_batch_size' must be an integer");
    expect(() => parseLoadParameters('m', { config: JSON.stringify({ name: 'other' }) })).toThrow("unexpected directory name 'm' for model 'other'");
    expect(() => parseLoadParameters('m', { 'file:1/model.onnx': 'AAAA' })).toThrow("load failed for model 'm': file overrides need the 'config' parameter too");
    expect(() => parseLoadParameters('m', { config: CONFIG, 'file:1/model.onnx': 'not base64!' })).toThrow("load parameter 'file:1/model.onnx' is not valid base64");
    expect(() => parseLoadParameters('m', { config: CONFIG, 'file:1/../x': 'AAAA' })).toThrow("invalid file override 'file:1/../x'");
  });
});
