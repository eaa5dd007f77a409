import { RestartPolicy } from './restart-policy';

describe('RestartPolicy', () => {
  it('backs off exponentially up to the cap, per service', () => {
    const policy = new RestartPolicy({ initialMs: 100, maxMs: 350, maxDeaths: 10, windowMs: 60_000 });
    expect([0, 1, 2, 3].map((i) => policy.onDeath('scheduler', i))).toEqual([
      { restartInMs: 100, deathsInWindow: 1 },
      { restartInMs: 200, deathsInWindow: 2 },
      { restartInMs: 350, deathsInWindow: 3 },
      { restartInMs: 350, deathsInWindow: 4 },
    ]);
    expect(policy.onDeath('gateway', 5)).toEqual({ restartInMs: 100, deathsInWindow: 1 });
  });

  it('gives up on a service that keeps dying within the window, and forgives old deaths', () => {
    const policy = new RestartPolicy({ initialMs: 100, maxMs: 1000, maxDeaths: 2, windowMs: 1000 });
    expect(policy.onDeath('executor:cpu', 0)).not.toBe('give up');
    expect(policy.onDeath('executor:cpu', 10)).not.toBe('give up');
    expect(policy.onDeath('executor:cpu', 20)).toBe('give up');
    expect(policy.onDeath('scheduler', 0)).not.toBe('give up');
    expect(policy.onDeath('scheduler', 5000)).toEqual({ restartInMs: 100, deathsInWindow: 1 });
  });
});
