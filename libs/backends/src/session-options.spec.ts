import { sessionOptionsFor } from './session-options';
import type { SlotSpec } from './slot-spec';

const spec: SlotSpec = {
  slotId: 'm_0',
  modelName: 'm',
  modelVersion: 1,
  modelPath: '/models/m/1/model.onnx',
  backend: 'onnxruntime',
  executionProvider: 'cpu',
  deviceId: 1,
  intraOpThreads: 3,
  interOpThreads: 2,
};

describe('sessionOptionsFor', () => {
  it('takes thread counts from the spec and optimises fully', () => {
    expect(sessionOptionsFor(spec)).toEqual({ intraOpNumThreads: 3, interOpNumThreads: 2, graphOptimizationLevel: 'all', executionProviders: ['cpu'] });
  });

  it('puts CUDA and TensorRT slots on their device', () => {
    expect(sessionOptionsFor({ ...spec, executionProvider: 'cuda' }).executionProviders).toEqual([{ name: 'cuda', deviceId: 1 }]);
    expect(sessionOptionsFor({ ...spec, executionProvider: 'tensorrt' }).executionProviders).toEqual([
      { name: 'tensorrt', deviceId: 1 },
      { name: 'cuda', deviceId: 1 },
    ]);
  });
});
