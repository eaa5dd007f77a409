import { ReleaseBatcher, type Release } from './release-batcher';

/** How many a batcher released, for tests where one scheduler sends everything. */
const total = (releases: readonly Release[]) => releases.reduce((sum, release) => sum + release.count, 0);

describe('ReleaseBatcher', () => {
  it('releases at once when the slot runs out of work', () => {
    const batcher = new ReleaseBatcher(2);
    batcher.received();
    expect(batcher.finished('s.a')).toEqual([{ subject: 's.a', count: 1 }]);
    batcher.received();
    expect(total(batcher.finished('s.a'))).toBe(1);
  });

  it('holds releases while work is queued, up to the batch size', () => {
    const batcher = new ReleaseBatcher(2);
    for (let i = 0; i < 4; i++) batcher.received();
    expect(total(batcher.finished('s.a'))).toBe(0); // 3 left to run, 1 unreported
    expect(total(batcher.finished('s.a'))).toBe(2); // batch full
    batcher.received(); // the scheduler refilled the slot
    expect(total(batcher.finished('s.a'))).toBe(0); // 2 left, 1 unreported
    expect(total(batcher.finished('s.a'))).toBe(0 + 2); // batch full again
    expect(total(batcher.finished('s.a'))).toBe(1); // out of work: report what remains
  });

  it('releases every payload at once with a batch of 1', () => {
    const batcher = new ReleaseBatcher(1);
    batcher.received();
    batcher.received();
    expect(total(batcher.finished('s.a'))).toBe(1);
    expect(total(batcher.finished('s.a'))).toBe(1);
  });

  it('releases each payload to the scheduler that sent it, never holding one for another', () => {
    const batcher = new ReleaseBatcher(4);
    for (let i = 0; i < 4; i++) batcher.received();
    expect(batcher.finished('s.a')).toEqual([]); // held for a
    expect(batcher.finished('s.a')).toEqual([]);
    // b's payload finishes: a's two go at once, b's one is held (work left)
    expect(batcher.finished('s.b')).toEqual([{ subject: 's.a', count: 2 }]);
    // out of work: b's two go
    expect(batcher.finished('s.b')).toEqual([{ subject: 's.b', count: 2 }]);
  });

  it('refuses a batch that is not a positive integer', () => {
    expect(() => new ReleaseBatcher(0)).toThrow('release batch must be a positive integer, got 0');
  });
});
