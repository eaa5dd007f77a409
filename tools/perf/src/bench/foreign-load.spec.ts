import { foreignCores, machineBusySeconds, ownSeconds } from './foreign-load';

describe('foreign load accounting', () => {
  it('counts every non-idle field of /proc/stat as busy', () => {
    expect(machineBusySeconds('cpu  100 10 50 9000 40 5 5 30 0 0\ncpu0 1 2 3 4')).toBe(2);
  });

  it('reads own and reaped children’s times from /proc/self/stat, even with spaces in the name', () => {
    const fields = ['S', ...Array(10).fill('0'), '300', '100', '50', '50', '20'];
    expect(ownSeconds(`1234 (node bench) ${fields.join(' ')}`)).toBe(5);
  });

  it('is what the machine did beyond this process tree, per second', () => {
    const before = { atMs: 0, machineBusyS: 100, ownS: 10 };
    const after = { atMs: 10_000, machineBusyS: 118, ownS: 23 };
    expect(foreignCores(before, after)).toBeCloseTo(0.5);
    expect(foreignCores(before, { ...after, machineBusyS: 110 })).toBe(0);
  });
});
