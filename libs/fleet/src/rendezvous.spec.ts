import { Ownership, ownerOf } from './rendezvous';

const models = Array.from({ length: 400 }, (_, i) => `model_${i}`);

function owners(schedulers: readonly string[]): Map<string, string | undefined> {
  return new Map(models.map((model) => [model, ownerOf(model, schedulers)]));
}

describe('ownerOf (rendezvous hashing)', () => {
  it('has no owner without schedulers, and the only one with one', () => {
    expect(ownerOf('simple', [])).toBeUndefined();
    expect(ownerOf('simple', ['a'])).toBe('a');
  });

  it('does not depend on the order the schedulers are listed in', () => {
    const forward = owners(['s1', 's2', 's3']);
    const backward = owners(['s3', 's2', 's1']);
    expect(backward).toEqual(forward);
  });

  it('spreads models over the schedulers', () => {
    const counts = new Map<string, number>();
    for (const owner of owners(['s1', 's2', 's3']).values()) counts.set(owner!, (counts.get(owner!) ?? 0) + 1);
    // 400 models over 3: each gets a fair share, far from none or all.
    for (const id of ['s1', 's2', 's3']) expect(counts.get(id)).toBeGreaterThan(90);
  });

  it('moves only the joining scheduler’s share when one joins', () => {
    const before = owners(['s1', 's2']);
    const after = owners(['s1', 's2', 's3']);
    let moved = 0;
    for (const model of models) {
      if (before.get(model) === after.get(model)) continue;
      moved++;
      expect(after.get(model)).toBe('s3');
    }
    expect(moved).toBeGreaterThan(0);
  });

  it('moves only the leaving scheduler’s models when one goes', () => {
    const before = owners(['s1', 's2', 's3']);
    const after = owners(['s1', 's3']);
    for (const model of models) {
      if (before.get(model) !== 's2') expect(after.get(model)).toBe(before.get(model));
      else expect(['s1', 's3']).toContain(after.get(model));
    }
  });
});

describe('Ownership', () => {
  it('answers as ownerOf over its members, and again after they change', () => {
    const ownership = new Ownership();
    expect(ownership.ownerOf('simple')).toBeUndefined();
    ownership.setMembers(['b', 'a']);
    expect(ownership.schedulers).toEqual(['a', 'b']);
    expect(ownership.ownerOf('simple')).toBe(ownerOf('simple', ['a', 'b']));
    ownership.setMembers(['c']);
    expect(ownership.ownerOf('simple')).toBe('c');
  });
});
