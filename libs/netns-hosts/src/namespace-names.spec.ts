import { checkHostName, namespaceName, ownerPid } from './namespace-names';

describe('namespace names', () => {
  it('round-trips the owner pid', () => {
    expect(ownerPid('flotilla', namespaceName('flotilla', 4242, 'exec-d'))).toBe(4242);
  });

  it('does not claim names of another prefix or shape', () => {
    expect(ownerPid('flotilla', 'flotillax-1-a')).toBeUndefined();
    expect(ownerPid('flotilla', 'other-12-a')).toBeUndefined();
    expect(ownerPid('flotilla', 'flotilla-abc-a')).toBeUndefined();
  });

  it('refuses host names that cannot be file or namespace names', () => {
    expect(() => checkHostName('Gateway')).toThrow(/lower-case/);
    expect(() => checkHostName('a/b')).toThrow(/lower-case/);
    expect(() => checkHostName('gw-1')).not.toThrow();
  });
});
