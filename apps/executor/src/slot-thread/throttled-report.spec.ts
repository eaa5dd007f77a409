import { ThrottledReport } from './throttled-report';

describe('ThrottledReport', () => {
  beforeEach(() => vi.useFakeTimers({ now: 0 }));
  afterEach(() => vi.useRealTimers());

  it('sends the first change at once, then at most once per interval, and once after the last change', () => {
    const sentAt: number[] = [];
    const report = new ThrottledReport(100, () => sentAt.push(Date.now()), Date.now);
    report.changed();
    expect(sentAt).toEqual([0]);
    vi.advanceTimersByTime(10);
    report.changed();
    vi.advanceTimersByTime(10);
    report.changed(); // folded into the pending send
    expect(sentAt).toEqual([0]);
    vi.advanceTimersByTime(80);
    expect(sentAt).toEqual([0, 100]);
    vi.advanceTimersByTime(1000);
    expect(sentAt).toEqual([0, 100]); // no change since: nothing more
    report.changed();
    expect(sentAt).toEqual([0, 100, 1100]);
  });

  it('flush sends a waiting change at once, and nothing when none waits', () => {
    let sends = 0;
    const report = new ThrottledReport(100, () => sends++, Date.now);
    report.flush();
    expect(sends).toBe(0);
    report.changed();
    report.changed();
    report.flush();
    expect(sends).toBe(2);
    vi.advanceTimersByTime(500);
    expect(sends).toBe(2);
  });
});
