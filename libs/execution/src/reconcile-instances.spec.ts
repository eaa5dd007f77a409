import { completeBackendFields, normalizeModelConfig, parseModelConfig } from '@flotilla/model-config';
import type { ModelRecord } from '@flotilla/contracts';
import { modelConfigToJson } from '@flotilla/model-config';
import { planSlots } from './plan-slots';
import { reconcileInstances } from './reconcile-instances';

/** The slots a config puts on `device`, as planSlots sees them after the repository normalised it. */
function plan(groups: string, device: 'cpu' | 'gpu:0' | 'gpu:1' = 'cpu', extra = '') {
  const text = `name: "m" platform: "onnxruntime_onnx" max_batch_size: 4 ${extra}
    input [ { name: "X" data_type: TYPE_FP32 dims: [ 2 ] } ] output [ { name: "Y" data_type: TYPE_FP32 dims: [ 2 ] } ]
    instance_group [ ${groups} ]`;
  const config = normalizeModelConfig(completeBackendFields(parseModelConfig(text), { modelName: 'm' }), { gpus: [0, 1] });
  const record: ModelRecord = { name: 'm', reason: '', config: modelConfigToJson(config), versions: [{ version: 1, state: 'READY', reason: '', path: '/r/m/1/model.onnx' }] };
  return planSlots('e', device, [record]);
}

const counts = <E, P>(r: { reused: readonly E[]; created: readonly P[]; removed: readonly unknown[] }) => [r.reused.length, r.created.length, r.removed.length];

describe('reconcileInstances (Triton instance-only updates)', () => {
  it('adds and removes only the difference when count changes (8 → 4 → 1 → 3 CPU instances)', () => {
    let running = plan('{ count: 8, kind: KIND_CPU }');
    for (const [count, expected] of [
      [4, [4, 0, 4]],
      [1, [1, 0, 3]],
      [3, [1, 2, 0]],
    ] as const) {
      const next = plan(`{ count: ${count}, kind: KIND_CPU }`);
      const result = reconcileInstances(running, next);
      expect(counts(result)).toEqual(expected);
      running = next;
    }
  });

  it('creates and destroys nothing when a group is renamed (checklist 13)', () => {
    const result = reconcileInstances(plan('{ name: "a" count: 2, kind: KIND_CPU }'), plan('{ name: "b" count: 2, kind: KIND_CPU }'));
    expect(counts(result)).toEqual([2, 0, 0]);
    expect(result.reused.map(({ existing, desired }) => [existing.instance, desired.instance])).toEqual([
      ['a_0', 'b_0'],
      ['a_1', 'b_1'],
    ]);
  });

  it('creates and destroys nothing when count: 3 is split into 1 + 2 (checklist 13)', () => {
    const result = reconcileInstances(plan('{ count: 3, kind: KIND_CPU }'), plan('{ count: 1, kind: KIND_CPU }, { count: 2, kind: KIND_CPU }'));
    expect(counts(result)).toEqual([3, 0, 0]);
  });

  it('reuses matching GPU instances and only adds the new GPU (checklist 12)', () => {
    const before = plan('{ count: 1, kind: KIND_GPU, gpus: [ 0 ] }', 'gpu:0');
    const after = plan('{ count: 1, kind: KIND_GPU, gpus: [ 0, 1 ] }', 'gpu:0');
    expect(counts(reconcileInstances(before, after))).toEqual([1, 0, 0]);
    expect(counts(reconcileInstances([], plan('{ count: 1, kind: KIND_GPU, gpus: [ 0, 1 ] }', 'gpu:1')))).toEqual([0, 1, 0]);
  });

  it('recreates every instance when anything but the instance groups changes (full reload)', () => {
    const result = reconcileInstances(plan('{ count: 2, kind: KIND_CPU }'), plan('{ count: 2, kind: KIND_CPU }', 'cpu', 'parameters { key: "k" value: { string_value: "v" } }'));
    expect(counts(result)).toEqual([0, 2, 2]);
  });

  it('does not reuse an instance whose group changed kind of work (passive)', () => {
    const result = reconcileInstances(plan('{ count: 1, kind: KIND_CPU }'), plan('{ count: 1, kind: KIND_CPU, passive: true }'));
    expect(counts(result)).toEqual([0, 1, 1]);
  });
});
