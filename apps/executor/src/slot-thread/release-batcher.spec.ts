import { ReleaseBatcher } from './release-batcher';

describe('ReleaseBatcher', () => {
  it('releases at once when the slot runs out of work', () => {
    const batcher = new ReleaseBatcher(2);
    batcher.received();
    expect(batcher.finished()).toBe(1);
    batcher.received();
    expect(batcher.finished()).toBe(1);
  });

  it('holds releases while work is queued, up to the batch size', () => {
    const batcher = new ReleaseBatcher(2);
    for (let i = 0; i < 4; i++) batcher.received();
    expect(batcher.finished()).toBe(0); // 3 left to run, 1 unreported
    expect(batcher.finished()).toBe(2); // batch full
    batcher.received(); // the scheduler refilled the slot
    expect(batcher.finished()).toBe(0); // 2 left, 1 unreported
    expect(batcher.finished()).toBe(0 + 2); // batch full again
    expect(batcher.finished()).toBe(1); // out of work: report what remains
  });

  it('releases every payload at once with a batch of 1', () => {
    const batcher = new ReleaseBatcher(1);
    batcher.received();
    batcher.received();
    expect(batcher.finished()).toBe(1);
    expect(batcher.finished()).toBe(1);
  });

  it('refuses a batch that is not a positive integer', () => {
    expect(() => new ReleaseBatcher(0)).toThrow('release batch must be a positive integer, got 0');
  });
});
