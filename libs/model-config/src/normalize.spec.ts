import { parseModelConfig } from './model-config-text';
import type { ModelInstanceGroup } from './model-config.types';
import { normalizeModelConfig } from './normalize';

const ONE_GPU = { gpus: [0] };
const TWO_GPUS = { gpus: [0, 1] };
const CPU_ONLY = { gpus: [] };

function normalizedGroups(groupsText: string, env: { gpus: number[] }, backend = 'onnxruntime'): Partial<ModelInstanceGroup>[] {
  const config = normalizeModelConfig(parseModelConfig(`name: "m" backend: "${backend}" ${groupsText}`), env);
  return config.instance_group.map(({ name, kind, count, gpus }) => ({ name, kind, count, gpus }));
}

describe('normalizeModelConfig: instance groups (spec §1.2, checklist 1–6)', () => {
  it.each([
    ['1: no groups, 1 GPU', '', ONE_GPU, [{ name: 'm', kind: 'KIND_GPU', count: 1, gpus: [0] }]],
    ['1: no groups, 2 GPUs', '', TWO_GPUS, [{ name: 'm', kind: 'KIND_GPU', count: 1, gpus: [0, 1] }]],
    ['2: no groups, CPU only, onnxruntime', '', CPU_ONLY, [{ name: 'm', kind: 'KIND_CPU', count: 2, gpus: [] }]],
    ['3+5: unnamed CPU group', 'instance_group { kind: KIND_CPU }', ONE_GPU, [{ name: 'm_0', kind: 'KIND_CPU', count: 2, gpus: [] }]],
    ['3: index is the position in the list', 'instance_group [{ name: "a" kind: KIND_CPU count: 1 }, { kind: KIND_CPU count: 1 }]', CPU_ONLY, [
      { name: 'a', kind: 'KIND_CPU', count: 1, gpus: [] },
      { name: 'm_1', kind: 'KIND_CPU', count: 1, gpus: [] },
    ]],
    ['4: kind omitted with GPUs', 'instance_group { count: 2 }', ONE_GPU, [{ name: 'm_0', kind: 'KIND_GPU', count: 2, gpus: [0] }]],
    ['4: kind omitted, CPU only', 'instance_group { count: 3 }', CPU_ONLY, [{ name: 'm_0', kind: 'KIND_CPU', count: 3, gpus: [] }]],
    ['4: kind omitted, listed GPUs all exist', 'instance_group { gpus: [1] }', TWO_GPUS, [{ name: 'm_0', kind: 'KIND_GPU', count: 1, gpus: [1] }]],
    ['4: kind omitted, a listed GPU is missing (gpus kept)', 'instance_group { gpus: [3] }', ONE_GPU, [{ name: 'm_0', kind: 'KIND_CPU', count: 2, gpus: [3] }]],
    ['5: count 0', 'instance_group { kind: KIND_GPU count: 0 }', ONE_GPU, [{ name: 'm_0', kind: 'KIND_GPU', count: 1, gpus: [0] }]],
    ['5: negative count on CPU', 'instance_group { kind: KIND_CPU count: -4 }', CPU_ONLY, [{ name: 'm_0', kind: 'KIND_CPU', count: 2, gpus: [] }]],
    ['5: KIND_MODEL defaults to 1', 'instance_group { kind: KIND_MODEL }', CPU_ONLY, [{ name: 'm_0', kind: 'KIND_MODEL', count: 1, gpus: [] }]],
    ['6: KIND_GPU without gpus gets all', 'instance_group { kind: KIND_GPU count: 2 }', TWO_GPUS, [{ name: 'm_0', kind: 'KIND_GPU', count: 2, gpus: [0, 1] }]],
    ['6: KIND_GPU without gpus on a CPU host stays empty', 'instance_group { kind: KIND_GPU }', CPU_ONLY, [{ name: 'm_0', kind: 'KIND_GPU', count: 1, gpus: [] }]],
    ['mixed CPU and GPU groups', 'instance_group [{ kind: KIND_CPU }, { kind: KIND_GPU }]', ONE_GPU, [
      { name: 'm_0', kind: 'KIND_CPU', count: 2, gpus: [] },
      { name: 'm_1', kind: 'KIND_GPU', count: 1, gpus: [0] },
    ]],
  ])('%s', (_case, groupsText, env, expected) => {
    expect(normalizedGroups(groupsText, env)).toEqual(expected);
  });

  it.each([
    ['tensorflow', 2],
    ['javascript', 1],
    ['python', 1],
  ])('defaults a CPU group of backend %s to %i instances', (backend, count) => {
    expect(normalizedGroups('instance_group { kind: KIND_CPU }', CPU_ONLY, backend)[0].count).toBe(count);
  });

  it('reads rate-limiter priority 0 as 1 and keeps other values', () => {
    const config = normalizeModelConfig(
      parseModelConfig('name: "m" instance_group [{ kind: KIND_CPU rate_limiter { priority: 0 } }, { kind: KIND_CPU rate_limiter { priority: 3 } }, { kind: KIND_CPU }]'),
      CPU_ONLY,
    );
    expect(config.instance_group.map((group) => group.rate_limiter?.priority)).toEqual([1, 3, undefined]);
    expect(config.instance_group[2]).not.toHaveProperty('rate_limiter');
  });
});

describe('normalizeModelConfig: model-level defaults', () => {
  it('defaults the version policy to latest 1 and keeps an explicit one', () => {
    expect(normalizeModelConfig(parseModelConfig('name: "m"'), CPU_ONLY).version_policy).toEqual({ latest: { num_versions: 1 } });
    expect(normalizeModelConfig(parseModelConfig('name: "m" version_policy { all {} }'), CPU_ONLY).version_policy).toEqual({ all: {} });
  });

  it('sets preferred_batch_size to [max_batch_size] when dynamic batching gives none (checklist 28)', () => {
    const preferred = (text: string) => normalizeModelConfig(parseModelConfig(`name: "m" ${text}`), CPU_ONLY).dynamic_batching?.preferred_batch_size;
    expect(preferred('max_batch_size: 4 dynamic_batching {}')).toEqual([4]);
    expect(preferred('max_batch_size: 8 dynamic_batching { preferred_batch_size: [2, 6] }')).toEqual([2, 6]);
    expect(preferred('max_batch_size: 0 dynamic_batching {}')).toEqual([]);
    expect(preferred('max_batch_size: 4')).toBeUndefined();
  });

  it('turns pinned memory on unless the config says otherwise', () => {
    const optimization = (text: string) => normalizeModelConfig(parseModelConfig(`name: "m" ${text}`), CPU_ONLY).optimization;
    expect(optimization('')).toEqual({
      priority: 'PRIORITY_DEFAULT',
      gather_kernel_buffer_threshold: 0,
      eager_batching: false,
      input_pinned_memory: { enable: true },
      output_pinned_memory: { enable: true },
    });
    expect(optimization('optimization { output_pinned_memory { enable: false } }')).toMatchObject({
      input_pinned_memory: { enable: true },
      output_pinned_memory: { enable: false },
    });
  });

  it('does not modify its argument', () => {
    const config = parseModelConfig('name: "m" max_batch_size: 2 dynamic_batching {} instance_group { }');
    const before = structuredClone(config);
    normalizeModelConfig(config, ONE_GPU);
    expect(config).toEqual(before);
  });
});
