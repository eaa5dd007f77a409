import { InFlightBySchedulers } from './in-flight-by-schedulers';

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('InFlightBySchedulers', () => {
  it('fails only the requests sent to the scheduler that died', async () => {
    const inFlight = new InFlightBySchedulers();
    const toA = deferred<string>();
    const toB = deferred<string>();
    const a = inFlight.track('a', toA.promise);
    const b = inFlight.track('b', toB.promise);
    expect(inFlight.fail('a', new Error('scheduler a stopped responding'))).toBe(1);
    await expect(a).rejects.toThrow('scheduler a stopped responding');
    toB.resolve('answered');
    await expect(b).resolves.toBe('answered');
    expect(inFlight.count('b')).toBe(0);
  });

  it('lets the first answer win: one that came before the failure stands, one after is dropped', async () => {
    const inFlight = new InFlightBySchedulers();
    const early = deferred<string>();
    const late = deferred<string>();
    const answered = inFlight.track('a', early.promise);
    const failed = inFlight.track('a', late.promise);
    early.resolve('from the executor');
    await expect(answered).resolves.toBe('from the executor');
    expect(inFlight.fail('a', new Error('gone'))).toBe(1);
    late.resolve('too late');
    await expect(failed).rejects.toThrow('gone');
  });
});
