import { FlotillaError } from '@flotilla/contracts';
import { instancePlacements } from './instance-placements';
import { parseModelConfig } from './model-config-text';
import { normalizeModelConfig } from './normalize';

function placements(groupsText: string, gpus: number[] = []) {
  return instancePlacements(normalizeModelConfig(parseModelConfig(`name: "m" backend: "onnxruntime" ${groupsText}`), { gpus }));
}

const at = (placement: { name: string; device: string }) => `${placement.name}@${placement.device}`;

describe('instancePlacements (spec §1.3)', () => {
  it('places one instance per listed GPU for each copy, copies outermost', () => {
    expect(placements('instance_group { name: "g" count: 2 gpus: [0, 1] kind: KIND_GPU }', [0, 1]).map(at)).toEqual([
      'g_0@gpu:0',
      'g_0@gpu:1',
      'g_1@gpu:0',
      'g_1@gpu:1',
    ]);
  });

  it.each([
    ['no groups, 1 GPU', '', [0], ['m_0@gpu:0']],
    ['no groups, 2 GPUs', '', [0, 1], ['m_0@gpu:0', 'm_0@gpu:1']],
    ['no groups, CPU only', '', [], ['m_0@cpu', 'm_1@cpu']],
    ['unnamed CPU group', 'instance_group { kind: KIND_CPU }', [0], ['m_0_0@cpu', 'm_0_1@cpu']],
    ['count 2 on 1 GPU', 'instance_group { count: 2 }', [0], ['m_0_0@gpu:0', 'm_0_1@gpu:0']],
    ['KIND_MODEL runs on the CPU', 'instance_group { kind: KIND_MODEL count: 2 }', [0], ['m_0_0@cpu', 'm_0_1@cpu']],
    ['groups in order', 'instance_group [{ kind: KIND_CPU }, { kind: KIND_GPU }]', [0], ['m_0_0@cpu', 'm_0_1@cpu', 'm_1_0@gpu:0']],
  ])('%s', (_case, groupsText, gpus, expected) => {
    expect(placements(groupsText, gpus).map(at)).toEqual(expected);
  });

  it('carries group, kind, passivity and rate-limiter settings (checklist 11, §2.1)', () => {
    const result = placements(
      'instance_group [{ name: "a" kind: KIND_CPU count: 1 passive: true rate_limiter { resources { name: "R1" count: 2 } priority: 0 } }, { name: "b" kind: KIND_GPU count: 1 }]',
      [0],
    );
    expect(result).toEqual([
      { group: 'a', name: 'a_0', kind: 'KIND_CPU', device: 'cpu', passive: true, rateLimiter: { resources: [{ name: 'R1', global: false, count: 2 }], priority: 1 } },
      { group: 'b', name: 'b_0', kind: 'KIND_GPU', device: 'gpu:0', passive: false, rateLimiter: { resources: [], priority: 1 } },
    ]);
  });

  it('refuses a config that was not normalised', () => {
    expect(() => instancePlacements(parseModelConfig('name: "m" instance_group { name: "g" count: 1 }'))).toThrow(
      new FlotillaError('INTERNAL', 'instance group g of model m has unexpected kind KIND_AUTO'),
    );
  });
});
