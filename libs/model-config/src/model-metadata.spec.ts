import { parseModelConfig } from './model-config-text';
import { modelMetadata } from './model-metadata';
import { getParameter } from './parameters';

describe('modelMetadata (spec §3.2, checklist 54)', () => {
  const io = 'input { name: "x" data_type: TYPE_STRING dims: [3, -1] } output { name: "y" data_type: TYPE_FP32 dims: [2] }';

  it('prefixes -1 to every shape when the model batches, and lists versions as strings', () => {
    expect(modelMetadata(parseModelConfig(`name: "m" platform: "onnxruntime_onnx" backend: "onnxruntime" max_batch_size: 8 ${io}`), [1, 3])).toEqual({
      name: 'm',
      versions: ['1', '3'],
      platform: 'onnxruntime_onnx',
      inputs: [{ name: 'x', datatype: 'BYTES', shape: [-1, 3, -1] }],
      outputs: [{ name: 'y', datatype: 'FP32', shape: [-1, 2] }],
    });
  });

  it('uses dims as they are without batching, and the backend when there is no platform', () => {
    const metadata = modelMetadata(parseModelConfig(`name: "m" backend: "javascript" ${io}`), [2]);
    expect(metadata.platform).toBe('javascript');
    expect(metadata.inputs[0].shape).toEqual([3, -1]);
  });
});

describe('getParameter', () => {
  const config = parseModelConfig('parameters { key: "threads" value { string_value: "4" } } parameters { key: "empty" value {} }');

  it('returns the string value of a set parameter', () => {
    expect(getParameter(config, 'threads')).toBe('4');
    expect(getParameter(config, 'empty')).toBe('');
  });

  it('returns undefined for unset parameters, including names found on every object', () => {
    expect(getParameter(config, 'missing')).toBeUndefined();
    expect(getParameter(config, 'toString')).toBeUndefined();
  });
});
