import { DeadlineTimer } from './deadline-timer';

describe('DeadlineTimer', () => {
  beforeEach(() => vi.useFakeTimers({ now: 0 }));
  afterEach(() => vi.useRealTimers());

  it('fires at the earliest deadline it was given, then at the next one the owner returns', () => {
    const calls: number[] = [];
    const pending = [300, 1000];
    const timer = new DeadlineTimer((now) => {
      calls.push(now);
      while (pending.length && pending[0] <= now) pending.shift();
      return pending[0];
    });
    timer.ensureBy(1000);
    timer.ensureBy(300); // earlier: re-arms
    timer.ensureBy(2000); // later: ignored, the owner reports it when asked
    vi.advanceTimersByTime(299);
    expect(calls).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(calls).toEqual([300]);
    vi.advanceTimersByTime(700);
    expect(calls).toEqual([300, 1000]);
    vi.advanceTimersByTime(10_000);
    expect(calls).toEqual([300, 1000]); // nothing pending: no more wake-ups
  });

  it('fires at once for a deadline already past, and never after stop()', () => {
    const calls: number[] = [];
    const timer = new DeadlineTimer((now) => void calls.push(now));
    timer.ensureBy(-5);
    vi.advanceTimersByTime(0);
    expect(calls).toEqual([0]);
    timer.ensureBy(100);
    timer.stop();
    vi.advanceTimersByTime(1000);
    expect(calls).toEqual([0]);
  });

  it('re-arms a deadline beyond setTimeout’s range instead of firing at once', () => {
    const calls: number[] = [];
    const far = 2 ** 31 + 1000;
    const timer = new DeadlineTimer((now) => {
      calls.push(now);
      return now < far ? far : undefined;
    });
    timer.ensureBy(far);
    vi.advanceTimersByTime(10);
    expect(calls).toEqual([]);
  });

  it('moves to a later deadline on resetTo, so a deadline pushed back never fires early', () => {
    const calls: number[] = [];
    const timer = new DeadlineTimer((now) => void calls.push(now));
    timer.ensureBy(100);
    timer.resetTo(250);
    vi.advanceTimersByTime(200);
    expect(calls).toEqual([]);
    vi.advanceTimersByTime(50);
    expect(calls).toEqual([250]);
    timer.resetTo(400);
    timer.resetTo(undefined);
    vi.advanceTimersByTime(1000);
    expect(calls).toEqual([250]);
  });
});
