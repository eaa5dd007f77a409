import { FlotillaError } from '@flotilla/contracts';
import { completeBackendFields } from './backend-fields';
import { parseModelConfig } from './model-config-text';

function complete(text: string, versionDirFiles?: string[], modelName = 'm') {
  const { name, platform, backend, default_model_filename } = completeBackendFields(parseModelConfig(text), { modelName, versionDirFiles });
  return { name, platform, backend, default_model_filename };
}

const ONNX = { name: 'm', platform: 'onnxruntime_onnx', backend: 'onnxruntime', default_model_filename: 'model.onnx' };
const JAVASCRIPT = { name: 'm', platform: '', backend: 'javascript', default_model_filename: 'model.js' };

describe('completeBackendFields (spec §4.3)', () => {
  it.each([
    ['platform onnxruntime_onnx', 'platform: "onnxruntime_onnx"', undefined, ONNX],
    ['backend onnxruntime', 'backend: "onnxruntime"', undefined, ONNX],
    ['file name model.onnx', 'default_model_filename: "model.onnx"', undefined, ONNX],
    ['model.onnx in the version directory', '', ['model.onnx', 'extra.bin'], ONNX],
    ['a custom file name kept', 'backend: "onnxruntime" default_model_filename: "resnet.onnx"', undefined, { ...ONNX, default_model_filename: 'resnet.onnx' }],
    ['backend javascript', 'backend: "javascript"', undefined, JAVASCRIPT],
    ['model.js in the version directory', '', ['model.js'], JAVASCRIPT],
    ['an explicit matching name', 'name: "m" backend: "javascript"', undefined, JAVASCRIPT],
    ['a backend Flotilla has no conventions for', 'backend: "python"', ['model.py'], { name: 'm', platform: '', backend: 'python', default_model_filename: '' }],
  ])('infers the fields from %s', (_case, text, files, expected) => {
    expect(complete(text, files)).toEqual(expected);
  });

  it('only looks at version-directory files when no platform is given', () => {
    expect(complete('platform: "tensorrt_plan"', ['model.onnx'])).toEqual({ name: 'm', platform: 'tensorrt_plan', backend: '', default_model_filename: '' });
  });

  it.each([
    ['platform: "onnxruntim" backend: "onnxruntime"', undefined, "unexpected 'platform' and 'backend' pair, got:onnxruntim, onnxruntime"],
    ['platform: "tensorrt_plan" backend: "onnxruntime"', undefined, "unexpected 'platform' and 'backend' pair, got:tensorrt_plan, onnxruntime"],
    ['platform: "onnxruntime_onnx" backend: "javascript"', undefined, "unexpected 'platform' and 'backend' pair, got:onnxruntime_onnx, javascript"],
    ['platform: "pytorch_libtorch" default_model_filename: "model.onnx"', undefined, "unexpected 'platform' and 'backend' pair, got:pytorch_libtorch, onnxruntime"],
    ['', ['weights.bin'], "must specify 'platform' or 'backend' for 'm'"],
    ['name: "other"', undefined, "unexpected directory name 'm' for model 'other', directory name must equal model name"],
  ])('rejects %j', (text, files, message) => {
    expect(() => complete(text, files)).toThrow(new FlotillaError('INVALID_ARG', message));
  });

  it('does not modify its argument', () => {
    const config = parseModelConfig('');
    completeBackendFields(config, { modelName: 'm', versionDirFiles: ['model.onnx'] });
    expect(config.backend).toBe('');
  });
});
