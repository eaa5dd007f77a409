import { ParkingLot } from './parking-lot';

function lot() {
  const events: string[] = [];
  let now = 1_000;
  const parking = new ParkingLot<string>(
    (item) => events.push(`run ${item}`),
    (item, token) => events.push(`give up ${item} (${token})`),
    () => now,
    2,
  );
  return { parking, events, advance: (ms: number) => ((now += ms), vi.advanceTimersByTime(ms)) };
}

describe('ParkingLot', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('runs a parked payload when its grant arrives, and only that one', () => {
    const { parking, events } = lot();
    parking.park('a', 5_000, 'p1');
    parking.park('b', 5_000, 'p2');
    parking.go('b');
    expect(events).toEqual(['run p2']);
    expect(parking.size).toBe(1);
  });

  it('gives a payload up at its deadline when no grant came, and a later grant for it runs nothing', () => {
    const { parking, events, advance } = lot();
    parking.park('a', 1_500, 'p1');
    advance(499);
    expect(events).toEqual([]);
    advance(1);
    expect(events).toEqual(['give up p1 (a)']);
    parking.go('a');
    expect(events).toEqual(['give up p1 (a)']);
  });

  it('runs a payload at once when its grant came first', () => {
    const { parking, events, advance } = lot();
    parking.go('a');
    parking.park('a', 1_500, 'p1');
    expect(events).toEqual(['run p1']);
    advance(1_000);
    expect(events).toEqual(['run p1']); // no give-up timer was left behind
  });

  it('forgets the oldest early grants beyond what it keeps', () => {
    const { parking, events } = lot();
    for (const token of ['a', 'b', 'c']) parking.go(token);
    parking.park('a', 5_000, 'p1'); // 'a' was forgotten: p1 waits
    parking.park('c', 5_000, 'p3');
    expect(events).toEqual(['run p3']);
  });

  it('tells when nothing is parked any more', async () => {
    const { parking, advance } = lot();
    await parking.whenEmpty(); // nothing parked: at once
    parking.park('a', 2_000, 'p1');
    parking.park('b', 9_000, 'p2');
    let empty = false;
    void parking.whenEmpty().then(() => (empty = true));
    parking.go('b');
    await Promise.resolve();
    expect(empty).toBe(false);
    advance(1_000);
    await Promise.resolve();
    expect(empty).toBe(true);
  });
});
