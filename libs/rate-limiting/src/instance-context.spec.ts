import { InstanceContext } from './instance-context';

const context = (priority = 1) => new InstanceContext('m_0', 'm', 1, 'cpu', priority, 0);

describe('InstanceContext', () => {
  it('goes idle → staged → allocated → idle, counting one execution per release', () => {
    const instance = context();
    instance.stage(5);
    expect(instance.state).toBe('staged');
    expect(instance.stagedAt).toBe(5);
    instance.allocate();
    expect(instance.state).toBe('allocated');
    instance.release();
    expect(instance.state).toBe('idle');
    expect(instance.executions).toBe(1);
  });

  it('goes back to idle when unstaged, without counting an execution', () => {
    const instance = context();
    instance.stage(0);
    instance.unstage();
    expect(instance.state).toBe('idle');
    expect(instance.executions).toBe(0);
  });

  it('scales its execution count by its priority', () => {
    const instance = context(3);
    for (let i = 0; i < 2; i++) {
      instance.stage(0);
      instance.allocate();
      instance.release();
    }
    expect(instance.scaledPriority).toBe(6);
  });

  it('forgets its overtakes once granted', () => {
    const instance = context();
    instance.stage(0);
    instance.overtakes = 4;
    instance.allocate();
    expect(instance.overtakes).toBe(0);
  });

  it.each([
    ['stage', 'staged', (i: InstanceContext) => i.stage(0)],
    ['allocate', 'idle', (i: InstanceContext) => i.allocate()],
    ['release', 'idle', (i: InstanceContext) => i.release()],
    ['unstage', 'idle', (i: InstanceContext) => i.unstage()],
  ] as const)('throws on %s from the wrong state', (action, state, act) => {
    const instance = context();
    if (action === 'stage') instance.stage(0);
    expect(() => act(instance)).toThrow(`instance m_0: cannot ${action} while ${state}`);
  });

  it('refuses to stage again while allocated', () => {
    const instance = context();
    instance.stage(0);
    instance.allocate();
    expect(() => instance.stage(0)).toThrow('cannot stage while allocated');
  });

  it.each(['idle', 'staged', 'allocated'] as const)('can be removed from %s, and reports that state', (state) => {
    const instance = context();
    if (state !== 'idle') instance.stage(0);
    if (state === 'allocated') instance.allocate();
    expect(instance.remove()).toBe(state);
    expect(instance.state).toBe('removed');
  });

  it('does nothing once removed', () => {
    const instance = context();
    instance.remove();
    expect(() => instance.remove()).toThrow('cannot remove while removed');
    expect(() => instance.stage(0)).toThrow('cannot stage while removed');
  });
});

