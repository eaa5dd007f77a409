import { HeartbeatTracker } from './heartbeat-tracker';

describe('HeartbeatTracker', () => {
  it('takes a process silent for three beat periods to be dead, and only then', () => {
    const tracker = new HeartbeatTracker();
    expect(tracker.beat('a', 1000, 0)).toBe(true);
    expect(tracker.beat('b', 500, 0)).toBe(true);
    expect(tracker.nextExpiry()).toBe(1500);
    expect(tracker.expire(1500)).toEqual([]);
    expect(tracker.expire(1501)).toEqual(['b']);
    expect(tracker.beat('a', 1000, 2000)).toBe(false);
    expect(tracker.expire(4999)).toEqual([]);
    expect(tracker.expire(5001)).toEqual(['a']);
    expect(tracker.alive).toBe(0);
    expect(tracker.nextExpiry()).toBeUndefined();
  });

  it('says when a process it had given up on beats again', () => {
    const tracker = new HeartbeatTracker(2);
    tracker.beat('a', 100, 0);
    expect(tracker.expire(201)).toEqual(['a']);
    expect(tracker.beat('a', 100, 300)).toBe(true);
  });

  it('forgets a process that leaves, and everyone on clear', () => {
    const tracker = new HeartbeatTracker();
    tracker.beat('a', 100, 0);
    tracker.beat('b', 100, 0);
    expect(tracker.leave('a')).toBe(true);
    expect(tracker.leave('a')).toBe(false);
    expect(tracker.alive).toBe(1);
    tracker.clear();
    expect(tracker.expire(10_000)).toEqual([]);
  });
});
