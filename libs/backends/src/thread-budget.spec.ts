import { defaultIntraOpThreads, oversubscriptionWarning } from './thread-budget';

describe('defaultIntraOpThreads', () => {
  it('shares the cores evenly between slots, rounding down', () => {
    expect(defaultIntraOpThreads(16, 4)).toBe(4);
    expect(defaultIntraOpThreads(16, 3)).toBe(5);
    expect(defaultIntraOpThreads(2, 2)).toBe(1);
  });

  it('gives every slot at least one thread', () => {
    expect(defaultIntraOpThreads(2, 8)).toBe(1);
    expect(defaultIntraOpThreads(1, 0)).toBe(1);
  });
});

describe('oversubscriptionWarning', () => {
  it('says nothing while slots × threads fit the cores', () => {
    expect(oversubscriptionWarning(2, 2, 1)).toBeUndefined();
    expect(oversubscriptionWarning(16, 4, 4)).toBeUndefined();
  });

  it('explains the overload and suggests a thread count that fits', () => {
    const warning = oversubscriptionWarning(2, 2, 2);
    expect(warning).toMatch(/2 instance slot\(s\) × 2 intra-op thread\(s\) = 4 threads on 2 core\(s\)/);
    expect(warning).toMatch(/intra_op_thread_count.*"1"/);
  });
});
