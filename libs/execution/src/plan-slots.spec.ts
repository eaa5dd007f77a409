import type { ModelRecord } from '@flotilla/contracts';
import { completeBackendFields, modelConfigToJson, normalizeModelConfig, parseModelConfig } from '@flotilla/model-config';
import { planSlots } from './plan-slots';

function record(groups: string): ModelRecord {
  const text = `name: "m" platform: "onnxruntime_onnx" max_batch_size: 4
    input [ { name: "X" data_type: TYPE_FP32 dims: [ 2 ] } ] output [ { name: "Y" data_type: TYPE_FP32 dims: [ 2 ] } ]
    instance_group [ ${groups} ]`;
  const config = normalizeModelConfig(completeBackendFields(parseModelConfig(text), { modelName: 'm' }), { gpus: [0, 1] });
  return { name: 'm', reason: '', config: modelConfigToJson(config), versions: [{ version: 1, state: 'READY', reason: '', path: '/r/m/1/model.onnx' }] };
}

describe('planSlots', () => {
  it('places on a device only the instances its groups put there, with their rate_limiter resources and priority', () => {
    const models = [
      record(`{ name: "fast" count: 1 kind: KIND_GPU gpus: [ 0 ] rate_limiter { resources [ { name: "R1" count: 4 } ] priority: 2 } },
              { name: "any" count: 2 kind: KIND_GPU gpus: [ 1 ] rate_limiter { resources [ { name: "R2" global: true count: 2 } ] priority: 0 } },
              { name: "free" count: 1 kind: KIND_GPU gpus: [ 1 ] }`),
    ];
    expect(planSlots('gpu0', 'gpu:0', models).map((slot) => [slot.slotId, slot.rateLimiter])).toEqual([
      ['gpu0/m/1/fast_0', { resources: [{ name: 'R1', global: false, count: 4 }], priority: 2 }],
    ]);
    expect(planSlots('gpu1', 'gpu:1', models).map((slot) => [slot.instance, slot.rateLimiter])).toEqual([
      ['any_0', { resources: [{ name: 'R2', global: true, count: 2 }], priority: 1 }], // priority 0 reads as 1
      ['any_1', { resources: [{ name: 'R2', global: true, count: 2 }], priority: 1 }],
      ['free_0', { resources: [], priority: 1 }],
    ]);
    expect(planSlots('cpu', 'cpu', models)).toEqual([]);
  });
});
