import type { FlotillaError } from '@flotilla/contracts';
import { DefaultScheduler, LOST_AFTER_DEADLINE_MS } from './default-scheduler';
import type { SlotRef } from './instance-slot';
import { queueMicros, type Payload } from './payload';

const ref = (instance: string): SlotRef => ({ slotId: `e/${instance}`, subject: `s.${instance}`, executorId: 'e', instance, device: 'cpu', host: 'h', simulated: false });

function harness(slotDepth = 1) {
  let now = 1000;
  const dispatched: [string, string][] = [];
  const failed: [string, string, string][] = [];
  const scheduler = new DefaultScheduler<string>(
    {
      dispatch: (batch, slot) => dispatched.push([batch.map((p) => p.carrier).join('+'), slot.instance]),
      fail: (p, e: FlotillaError, reason) => failed.push([p.carrier, `${e.code}: ${e.message}`, reason]),
    },
    () => now,
    { slotDepth },
  );
  const payload = (carrier: string, deadline = 10_000): Payload<string> => ({ model: 'm', version: 1, enqueuedAt: now, deadline, carrier });
  return { scheduler, dispatched, failed, payload, advance: (ms: number) => (now += ms) };
}

describe('DefaultScheduler', () => {
  it('rejects a request for a version with no ready instance, naming the model', () => {
    const { scheduler, failed, payload } = harness();
    scheduler.submit(payload('r1'));
    expect(failed).toEqual([['r1', "UNAVAILABLE: model 'm' version 1 has no ready instances", 'OTHER']]);
  });

  it('lets a slot go of a payload that got no release long after its deadline (it never reached the slot)', () => {
    const { scheduler, dispatched, payload, advance } = harness();
    scheduler.addSlot('m', 1, ref('m_0'));
    scheduler.submit(payload('lost', 2000));
    scheduler.submit(payload('next', 100_000));
    expect(scheduler.expire()).toBe(2000 + LOST_AFTER_DEADLINE_MS);
    advance(1000 + LOST_AFTER_DEADLINE_MS - 1);
    scheduler.expire();
    expect(dispatched).toEqual([['lost', 'm_0']]);
    advance(1);
    scheduler.expire();
    expect(dispatched).toEqual([
      ['lost', 'm_0'],
      ['next', 'm_0'],
    ]);
  });

  it('fails every waiting request when it stops, and leaves the running one to its executor', () => {
    const { scheduler, failed, dispatched, payload } = harness();
    scheduler.addSlot('m', 1, ref('m_0'));
    for (const id of ['running', 'w1', 'w2']) scheduler.submit(payload(id));
    expect(scheduler.failAllWaiting('the scheduler is shutting down')).toBe(2);
    expect(failed).toEqual([
      ['w1', 'UNAVAILABLE: the scheduler is shutting down', 'OTHER'],
      ['w2', 'UNAVAILABLE: the scheduler is shutting down', 'OTHER'],
    ]);
    scheduler.release('e/m_0');
    expect(dispatched).toEqual([['running', 'm_0']]);
    expect(scheduler.status()[0]).toMatchObject({ queued: 0 });
  });

  it('runs each request on its own, first idle slot first, and queues the rest in FIFO order', () => {
    const { scheduler, dispatched, payload } = harness();
    scheduler.addSlot('m', 1, ref('m_0'));
    scheduler.addSlot('m', 1, ref('m_1'));
    for (const id of ['r1', 'r2', 'r3', 'r4']) scheduler.submit(payload(id));
    expect(dispatched).toEqual([
      ['r1', 'm_0'],
      ['r2', 'm_1'],
    ]);
    scheduler.release('e/m_1');
    scheduler.release('e/m_0');
    expect(dispatched.slice(2)).toEqual([
      ['r3', 'm_1'],
      ['r4', 'm_0'],
    ]);
    expect(scheduler.status()[0]).toMatchObject({ name: 'm', version: 1, ready: true, queued: 0 });
  });

  it('fails the in-flight payload of a removed slot, and the queue once no slot is left', () => {
    const { scheduler, failed, payload } = harness();
    scheduler.addSlot('m', 1, ref('m_0'));
    scheduler.submit(payload('running'));
    scheduler.submit(payload('waiting'));
    scheduler.removeSlot('e/m_0', 'executor e stopped');
    expect(failed.map(([id]) => id)).toEqual(['running', 'waiting']);
    expect(failed[0][1]).toMatch(/instance 'm_0' of model 'm' stopped while executing the request: executor e stopped/);
    expect(failed[1][1]).toMatch(/no ready instances left/);
    scheduler.release('e/m_0'); // a late release for a removed slot changes nothing
    expect(scheduler.status()[0]).toMatchObject({ ready: false, slots: [] });
  });

  it('keeps waiting payloads when other slots remain', () => {
    const { scheduler, failed, dispatched, payload } = harness();
    scheduler.addSlot('m', 1, ref('a'));
    scheduler.addSlot('m', 1, ref('b'));
    for (const id of ['r1', 'r2', 'r3']) scheduler.submit(payload(id));
    scheduler.removeSlot('e/a', 'gone');
    expect(failed.map(([id]) => id)).toEqual(['r1']);
    scheduler.release('e/b');
    expect(dispatched.at(-1)).toEqual(['r3', 'b']);
  });

  it('fails waiting payloads whose deadline passed, and only those', () => {
    const { scheduler, failed, payload, advance } = harness();
    scheduler.addSlot('m', 1, ref('a'));
    scheduler.submit(payload('running', 1100));
    scheduler.submit(payload('soon', 1100));
    scheduler.submit(payload('later', 5000));
    advance(200);
    const next = scheduler.expire();
    expect(failed.map(([id]) => id)).toEqual(['soon']);
    expect(failed[0][1]).toMatch(/deadline expired after waiting 200 ms/);
    expect(failed[0][2]).toBe('REJECTED'); // Triton's reason for a request that timed out waiting
    expect(next).toBe(5000);
  });

  it('reports no next deadline when nothing waits and nothing is in flight', () => {
    const { scheduler, payload } = harness();
    scheduler.addSlot('m', 1, ref('a'));
    scheduler.submit(payload('running', 1100));
    // In flight: only when it would be taken for lost.
    expect(scheduler.expire()).toBe(1100 + LOST_AFTER_DEADLINE_MS);
    scheduler.release('e/a');
    expect(scheduler.expire()).toBeUndefined();
  });

  it('reports queue time in microseconds at dispatch', () => {
    const queueTimes: number[] = [];
    let now = 0;
    const scheduler = new DefaultScheduler<string>({ dispatch: (batch, _s, at) => queueTimes.push(queueMicros(batch[0], at)), fail: () => undefined }, () => now, { slotDepth: 1 });
    scheduler.addSlot('m', 1, ref('a'));
    scheduler.submit({ model: 'm', version: 1, enqueuedAt: 0, deadline: 1e9, carrier: 'x' });
    scheduler.submit({ model: 'm', version: 1, enqueuedAt: 0, deadline: 1e9, carrier: 'y' });
    now = 2.5;
    scheduler.release('e/a');
    expect(queueTimes).toEqual([0, 2500]);
  });

  describe('with prefetch (slot depth 2)', () => {
    it('fills idle slots first, then prefetches one payload behind each, and keeps the rest queued', () => {
      const { scheduler, dispatched, payload } = harness(2);
      scheduler.addSlot('m', 1, ref('a'));
      scheduler.addSlot('m', 1, ref('b'));
      for (const id of ['r1', 'r2', 'r3', 'r4', 'r5']) scheduler.submit(payload(id));
      expect(dispatched).toEqual([
        ['r1', 'a'],
        ['r2', 'b'],
        ['r3', 'a'],
        ['r4', 'b'],
      ]);
      expect(scheduler.status()[0].queued).toBe(1);
      scheduler.release('e/b');
      expect(dispatched.at(-1)).toEqual(['r5', 'b']);
    });

    it('fails every payload a removed slot held', () => {
      const { scheduler, failed, payload } = harness(2);
      scheduler.addSlot('m', 1, ref('a'));
      scheduler.submit(payload('running'));
      scheduler.submit(payload('prefetched'));
      scheduler.removeSlot('e/a', 'gone');
      expect(failed.map(([id]) => id)).toEqual(['running', 'prefetched']);
    });

    it('returns a slot to the idle list only once all its payloads are released', () => {
      const { scheduler, dispatched, payload } = harness(2);
      scheduler.addSlot('m', 1, ref('a'));
      scheduler.addSlot('m', 1, ref('b'));
      scheduler.submit(payload('r1'));
      scheduler.submit(payload('r2'));
      scheduler.submit(payload('r3')); // prefetched behind r1 on a
      scheduler.release('e/a'); // r1 done, r3 still on a
      scheduler.release('e/b'); // b idle
      scheduler.submit(payload('r4'));
      expect(dispatched.at(-1)).toEqual(['r4', 'b']);
    });

    it('lets a draining slot finish what it holds while new payloads go elsewhere', () => {
      const { scheduler, dispatched, failed, payload } = harness(2);
      scheduler.addSlot('m', 1, ref('a'));
      scheduler.addSlot('m', 1, ref('b'));
      for (const id of ['r1', 'r2', 'r3']) scheduler.submit(payload(id)); // a: r1, r3; b: r2
      scheduler.drainSlot('e/a', 'executor e is stopping');
      scheduler.submit(payload('r4'));
      expect(dispatched.at(-1)).toEqual(['r4', 'b']);
      scheduler.release('e/a', 2); // r1 and r3 answered: nothing failed
      scheduler.removeSlot('e/a', 'executor e shut down');
      expect(failed).toEqual([]);
      expect(scheduler.status()[0].slots.map((slot) => slot.instance)).toEqual(['b']);
    });

    it('fails the waiting payloads at once when the last accepting slot drains, and refuses new ones', () => {
      const { scheduler, failed, payload } = harness(1);
      scheduler.addSlot('m', 1, ref('a'));
      scheduler.submit(payload('running'));
      scheduler.submit(payload('waiting'));
      scheduler.drainSlot('e/a', 'executor e is stopping');
      expect(failed).toEqual([['waiting', "UNAVAILABLE: model 'm' version 1 has no ready instances left: executor e is stopping", 'OTHER']]);
      expect(scheduler.status()[0].ready).toBe(false);
      expect(scheduler.status()[0].slots[0]).toMatchObject({ instance: 'a', busy: true, draining: true });
      scheduler.submit(payload('late'));
      expect(failed.at(-1)).toEqual(['late', "UNAVAILABLE: model 'm' version 1 has no ready instances", 'OTHER']);
      scheduler.release('e/a');
      scheduler.submit(payload('still late'));
      expect(failed.at(-1)?.[0]).toBe('still late'); // a released draining slot does not become idle
    });

    it('takes a batched release of several payloads at once, and ignores the excess', () => {
      const { scheduler, dispatched, payload } = harness(3);
      scheduler.addSlot('m', 1, ref('a'));
      for (const id of ['r1', 'r2', 'r3', 'r4', 'r5']) scheduler.submit(payload(id));
      expect(dispatched.map(([id]) => id)).toEqual(['r1', 'r2', 'r3']);
      scheduler.release('e/a', 2); // r1 and r2 done: room for r4 and r5
      expect(dispatched.map(([id]) => id)).toEqual(['r1', 'r2', 'r3', 'r4', 'r5']);
      scheduler.release('e/a', 5); // more than it holds: it is simply idle again
      scheduler.submit(payload('r6'));
      expect(dispatched.at(-1)).toEqual(['r6', 'a']);
      expect(scheduler.status()[0].slots[0].busy).toBe(true);
    });
  });
});
