import { SharedExclusive } from './shared-exclusive';

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('SharedExclusive', () => {
  it('runs shared holders together, and an exclusive one only once they are done and alone', async () => {
    const lock = new SharedExclusive();
    const events: string[] = [];
    let releaseShared!: () => void;
    const sharedDone = new Promise<void>((resolve) => (releaseShared = resolve));
    const a = lock.shared(async () => {
      events.push('a start');
      await sharedDone;
      events.push('a end');
    });
    const b = lock.shared(async () => void events.push('b'));
    await tick();
    const sweep = lock.exclusively(async () => void events.push('sweep'));
    await tick();
    // A shared holder arriving while the exclusive one waits goes after it: a sweep is not starved.
    const c = lock.shared(async () => void events.push('c'));
    await tick();
    expect(events).toEqual(['a start', 'b']);
    releaseShared();
    await Promise.all([a, b, sweep, c]);
    expect(events).toEqual(['a start', 'b', 'a end', 'sweep', 'c']);
  });

  it('lets the next holder in when an exclusive one fails', async () => {
    const lock = new SharedExclusive();
    await expect(lock.exclusively(async () => Promise.reject(new Error('store down')))).rejects.toThrow('store down');
    expect(await lock.shared(async () => 'after')).toBe('after');
  });
});
