import type { RateLimitedInstance } from './rate-limiter';
import { checkResourceLimits } from './check-resource-limits';
import { parseRateLimitResources } from './rate-limit-resource-option';

const instance = (model: string, n: number, device: RateLimitedInstance['device'], resources: RateLimitedInstance['resources']): RateLimitedInstance => ({
  id: `${model}/1/${model}_${n}@${device}`,
  model,
  version: 1,
  device,
  resources,
  priority: 1,
});

describe('checkResourceLimits (what a model load checks)', () => {
  it('fails only the model whose instances need more than the explicit count, with Triton’s text', () => {
    const failures = checkResourceLimits(
      [
        { model: 'big', instances: [instance('big', 0, 'gpu:0', [{ name: 'R1', global: false, count: 4 }])] },
        { model: 'small', instances: [instance('small', 0, 'gpu:0', [{ name: 'R1', global: false, count: 2 }])] },
        { model: 'free', instances: [instance('free', 0, 'cpu', [])] },
      ],
      parseRateLimitResources(['R1:2']),
    );
    expect([...failures.keys()]).toEqual(['big']);
    expect(failures.get('big')?.message).toBe(
      'Resource count for "R1" is limited to 2 which will prevent scheduling of one or more model instances, the minimum required count is 4',
    );
  });

  it('gives a resource used but not listed a count of 0 once any count is explicit', () => {
    const failures = checkResourceLimits([{ model: 'm', instances: [instance('m', 0, 'gpu:1', [{ name: 'R9', global: true, count: 1 }])] }], parseRateLimitResources(['R1:2']));
    expect(failures.get('m')?.message).toMatch(/^Resource count for "R9" is limited to 0 /);
  });

  it('refuses a name used both globally and per device, naming it', () => {
    const failures = checkResourceLimits(
      [
        { model: 'a', instances: [instance('a', 0, 'gpu:0', [{ name: 'R', global: true, count: 1 }])] },
        { model: 'b', instances: [instance('b', 0, 'gpu:0', [{ name: 'R', global: false, count: 1 }])] },
      ],
      [],
    );
    expect(failures.get('b')?.message).toBe('Resource "R" is present as both global and device-specific resource in the model configuration.');
    expect(failures.has('a')).toBe(false);
  });

  it('accepts everything when no count is explicit: pools hold what the largest instance needs', () => {
    const failures = checkResourceLimits([{ model: 'm', instances: [instance('m', 0, 'gpu:0', [{ name: 'R1', global: false, count: 40 }])] }], []);
    expect(failures.size).toBe(0);
  });
});
