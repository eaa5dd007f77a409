// DefaultScheduler with a grant gate (rate limiting on): a slot runs a payload only once granted.
import type { FlotillaError } from '@flotilla/contracts';
import { DefaultScheduler, LOST_AFTER_DEADLINE_MS, type GrantGate } from './default-scheduler';
import type { SlotRef } from './instance-slot';
import type { Payload } from './payload';

const ref = (instance: string): SlotRef => ({ slotId: `e/${instance}`, subject: `s.${instance}`, executorId: 'e', instance, device: 'cpu', host: 'h', simulated: false });

/**
 * `parking: false` for the path where a slot gets its payload only after its grant (a batch that
 * could still grow always takes it): parked payloads have their own tests below.
 */
function harness({ parking = false } = {}) {
  let now = 1000;
  const dispatched: string[][] = [];
  const failed: string[] = [];
  const asked: string[] = [];
  const granted: string[] = [];
  /** The token of the payload last parked at each slot. */
  const tokens = new Map<string, string>();
  const gate: GrantGate = {
    stage: (ids, parked = []) => asked.push([`stage ${ids.join(',')}`, ...parked.map(({ slot }) => `park ${slot.slotId}`)].join(' | ')),
    unstage: (ids) => asked.push(`unstage ${ids.join(',')}`),
    giveBack: (id) => asked.push(`give back ${id}`),
    abandonPark: (id, token) => asked.push(`abandon ${id} ${token === tokens.get(id) ? 'its parking' : token}`),
  };
  const scheduler = new DefaultScheduler<string>(
    {
      dispatch: (batch, slot, _now, park) => {
        if (park) tokens.set(slot.slotId, park.token);
        dispatched.push([batch.map((p) => p.carrier).join('+'), slot.instance, ...(park ? ['parked'] : [])]);
      },
      granted: (batch, slot) => granted.push(`${batch[0].carrier} on ${slot.instance}`),
      fail: (p, e: FlotillaError) => failed.push(`${p.carrier}: ${e.message}`),
    },
    () => now,
    { slotDepth: 2, gate, parking },
  );
  const payload = (carrier: string, deadline = 10_000): Payload<string> => ({ model: 'm', version: 1, enqueuedAt: now, deadline, carrier });
  const token = (slotId: string) => tokens.get(slotId)!;
  return { scheduler, dispatched, failed, asked, granted, payload, token, advance: (ms: number) => (now += ms) };
}

describe('DefaultScheduler with a grant gate', () => {
  it('stages one idle slot per waiting payload and dispatches only on a grant', () => {
    const { scheduler, dispatched, asked, payload } = harness();
    scheduler.addSlot('m', 1, ref('m_0'));
    scheduler.addSlot('m', 1, ref('m_1'));
    scheduler.submit(payload('r1'));
    expect(asked).toEqual(['stage e/m_0']);
    expect(dispatched).toEqual([]);
    scheduler.submit(payload('r2'));
    scheduler.submit(payload('r3')); // no third idle slot: it waits for one
    expect(asked).toEqual(['stage e/m_0', 'stage e/m_1']);
    scheduler.grant('e/m_1');
    expect(dispatched).toEqual([['r1', 'm_1']]);
  });

  it('prefetches nothing, but stages a busy slot ahead so that it keeps its turn at release', () => {
    const { scheduler, dispatched, asked, payload } = harness();
    scheduler.addSlot('m', 1, ref('m_0'));
    for (const id of ['r1', 'r2', 'r3']) scheduler.submit(payload(id));
    scheduler.grant('e/m_0');
    expect(dispatched).toEqual([['r1', 'm_0']]); // one payload per grant, none prefetched
    expect(asked).toEqual(['stage e/m_0', 'stage e/m_0']); // staged ahead of its release
    // The rate limiter restaged it at its release and granted it again; that grant can overtake
    // the release on the way here: it is held until the release arrives.
    scheduler.grant('e/m_0');
    expect(dispatched).toHaveLength(1);
    scheduler.release('e/m_0');
    expect(dispatched).toEqual([
      ['r1', 'm_0'],
      ['r2', 'm_0'],
    ]);
    // The release arriving first works the same way.
    scheduler.release('e/m_0');
    scheduler.grant('e/m_0');
    expect(dispatched.at(-1)).toEqual(['r3', 'm_0']);
    expect(asked.filter((a) => a.startsWith('give back'))).toEqual([]);
  });

  it('gives back a grant held for a busy slot when its work expired before the release', () => {
    const { scheduler, dispatched, asked, payload, advance } = harness();
    scheduler.addSlot('m', 1, ref('m_0'));
    scheduler.submit(payload('r1'));
    scheduler.submit(payload('r2', 1500));
    scheduler.grant('e/m_0');
    scheduler.grant('e/m_0'); // held for its release
    advance(600);
    scheduler.expire();
    scheduler.release('e/m_0');
    expect(dispatched).toEqual([['r1', 'm_0']]);
    expect(asked.at(-1)).toBe('give back e/m_0');
  });

  it('unstages slots whose work expired, and gives back a grant that finds nothing to run', () => {
    const { scheduler, dispatched, failed, asked, payload, advance } = harness();
    scheduler.addSlot('m', 1, ref('m_0'));
    scheduler.submit(payload('r1', 1500));
    advance(600);
    scheduler.expire();
    expect(failed).toHaveLength(1);
    expect(asked).toEqual(['stage e/m_0', 'unstage e/m_0']);
    scheduler.grant('e/m_0'); // crossed the unstage on the way
    expect(asked.at(-1)).toBe('give back e/m_0');
    expect(dispatched).toEqual([]);
  });

  it('unstages a draining slot, and gives back a grant for a slot that is gone', () => {
    const { scheduler, asked, payload } = harness();
    scheduler.addSlot('m', 1, ref('m_0'));
    scheduler.addSlot('m', 1, ref('m_1'));
    scheduler.submit(payload('r1'));
    scheduler.drainSlot('e/m_0', 'executor stopping');
    expect(asked).toEqual(['stage e/m_0', 'unstage e/m_0', 'stage e/m_1']);
    scheduler.removeSlot('e/m_1', 'executor died');
    scheduler.grant('e/m_1');
    expect(asked.at(-1)).toBe('give back e/m_1');
  });
});

describe('DefaultScheduler with a grant gate, when the rate limiter restarts', () => {
  it('reports the slots executing and staged, and turns grants held from the old rate limiter back into stages', () => {
    const { scheduler, dispatched, asked, payload } = harness();
    scheduler.addSlot('m', 1, ref('m_0'));
    scheduler.addSlot('m', 1, ref('m_1'));
    for (const id of ['r1', 'r2', 'r3']) scheduler.submit(payload(id));
    scheduler.grant('e/m_0');
    scheduler.grant('e/m_0'); // held for m_0's release
    expect(scheduler.rateLimiterRestarted()).toEqual({ executing: ['e/m_0'], staged: ['e/m_1', 'e/m_0'], parked: [] });
    scheduler.release('e/m_0'); // no longer runs on the old grant
    expect(dispatched).toEqual([['r1', 'm_0']]);
    expect(asked.filter((a) => a.startsWith('give back'))).toEqual([]);
    scheduler.grant('e/m_0'); // the new rate limiter's grant
    expect(dispatched.at(-1)).toEqual(['r2', 'm_0']);
  });
});

describe('DefaultScheduler with a grant gate, timing', () => {
  it('stamps when each payload started waiting for a grant, not when it arrived', () => {
    const { scheduler, payload, advance } = harness();
    scheduler.addSlot('m', 1, ref('m_0'));
    const first = payload('r1');
    scheduler.submit(first);
    const second = payload('r2');
    scheduler.submit(second); // no idle slot left: it waits for one, not yet for resources
    expect([first.stagedAt, second.stagedAt]).toEqual([1000, undefined]);
    advance(40);
    scheduler.grant('e/m_0'); // r1 runs; m_0 is staged ahead for r2 now
    expect(second.stagedAt).toBe(1040);
  });
});

describe('DefaultScheduler with a grant gate, for slots that need no resources', () => {
  const free = (instance: string): SlotRef => ({ ...ref(instance), needsResources: false });

  it('runs them without asking, prefetching as without a gate when no slot of the version needs resources', () => {
    const { scheduler, dispatched, asked, payload } = harness();
    scheduler.addSlot('m', 1, free('m_0'));
    for (const id of ['r1', 'r2', 'r3']) scheduler.submit(payload(id));
    expect(dispatched).toEqual([
      ['r1', 'm_0'],
      ['r2', 'm_0'], // prefetched: slotDepth 2
    ]);
    expect(asked).toEqual([]);
    scheduler.release('e/m_0');
    expect(dispatched.at(-1)).toEqual(['r3', 'm_0']);
    expect(asked).toEqual([]);
  });

  it('in a version with gated slots, prefetches nothing onto free ones, and unstages a gated slot whose work a free one took', () => {
    const { scheduler, dispatched, asked, payload } = harness();
    scheduler.addSlot('m', 1, free('m_0'));
    scheduler.addSlot('m', 1, ref('m_1'));
    scheduler.submit(payload('r1'));
    expect(dispatched).toEqual([['r1', 'm_0']]);
    expect(asked).toEqual([]);
    scheduler.submit(payload('r2')); // m_0 is busy and takes no prefetch here: m_1 asks for a grant
    expect(asked).toEqual(['stage e/m_1']);
    scheduler.release('e/m_0'); // the free slot is back first and takes r2
    expect(dispatched).toEqual([
      ['r1', 'm_0'],
      ['r2', 'm_0'],
    ]);
    expect(asked).toEqual(['stage e/m_1', 'unstage e/m_1']);
    scheduler.grant('e/m_1'); // crossed the unstage
    expect(asked.at(-1)).toBe('give back e/m_1');
    expect(dispatched).toHaveLength(2);
  });

  it('keeps serving them while the rate limiter is away, holds the gated ones, and reports only gated slots when it is back', () => {
    const { scheduler, dispatched, asked, payload } = harness();
    scheduler.addSlot('m', 1, free('m_0'));
    scheduler.addSlot('limited', 1, ref('l_0'));
    scheduler.submit({ ...payload('x1'), model: 'limited' });
    expect(scheduler.rateLimiterUnreachable()).toBe(true); // its stage reached nobody
    expect(scheduler.rateLimiterUnreachable()).toBe(false); // not news the second time
    scheduler.submit(payload('r1'));
    expect(dispatched).toEqual([['r1', 'm_0']]);
    const messagesBefore = asked.length;
    expect(scheduler.rateLimiterRestarted()).toEqual({ executing: [], staged: ['e/l_0'], parked: [] });
    expect(asked.length).toBe(messagesBefore); // the report carries the stages: none is sent twice
    scheduler.grant('e/l_0');
    expect(dispatched.at(-1)).toEqual(['x1', 'l_0']);
  });
});

describe('DefaultScheduler with a grant gate, parking lone requests at their slots', () => {
  it('sends a lone request to an idle gated slot with its stage, and nothing more at its grant', () => {
    const { scheduler, dispatched, asked, granted, payload, token } = harness({ parking: true });
    scheduler.addSlot('m', 1, ref('m_0'));
    scheduler.addSlot('m', 1, ref('m_1'));
    scheduler.submit(payload('r1'));
    expect(dispatched).toEqual([['r1', 'm_0', 'parked']]);
    expect(asked).toEqual(['stage  | park e/m_0']);
    scheduler.grant('e/m_0', token('e/m_0')); // the slot heard it too, and runs r1
    expect(dispatched).toHaveLength(1);
    expect(granted).toEqual(['r1 on m_0']);
    expect(asked.filter((a) => a.startsWith('give back'))).toEqual([]);
  });

  it('parks one payload per slot, the next behind the one it executes, and keeps the rest here', () => {
    const { scheduler, dispatched, asked, payload, token } = harness({ parking: true });
    scheduler.addSlot('m', 1, ref('m_0'));
    for (const id of ['r1', 'r2', 'r3']) scheduler.submit(payload(id));
    expect(dispatched).toEqual([['r1', 'm_0', 'parked']]); // r2 and r3 wait: m_0 holds an ungranted payload
    scheduler.grant('e/m_0', token('e/m_0'));
    expect(dispatched.at(-1)).toEqual(['r2', 'm_0', 'parked']); // behind r1, which it executes now
    expect(asked).toEqual(['stage  | park e/m_0', 'stage  | park e/m_0']);
    scheduler.release('e/m_0'); // r1 done; r2 still waits there for its grant
    expect(dispatched).toHaveLength(2);
    scheduler.grant('e/m_0', token('e/m_0'));
    expect(dispatched.at(-1)).toEqual(['r3', 'm_0', 'parked']);
  });

  it('a grant that overtakes the release of the payload before it changes nothing for that one', () => {
    const { scheduler, dispatched, payload, token } = harness({ parking: true });
    scheduler.addSlot('m', 1, ref('m_0'));
    for (const id of ['r1', 'r2', 'r3']) scheduler.submit(payload(id));
    scheduler.grant('e/m_0', token('e/m_0')); // r1 executes, r2 parked behind it
    scheduler.grant('e/m_0', token('e/m_0')); // r2's grant, before r1's release came here
    expect(dispatched).toHaveLength(2); // no third payload on a slot that holds two
    scheduler.release('e/m_0'); // r1
    expect(dispatched.at(-1)).toEqual(['r3', 'm_0', 'parked']);
  });

  it('takes the release of a parked payload that ran before its grant’s news came (a hand-over) as that grant, and parks the next', () => {
    const { scheduler, dispatched, granted, payload, token } = harness({ parking: true });
    scheduler.addSlot('m', 1, ref('m_0'));
    for (const id of ['r1', 'r2']) scheduler.submit(payload(id));
    const first = token('e/m_0');
    scheduler.release('e/m_0'); // r1 ran on resources handed over in the executor, and finished
    expect(granted).toEqual(['r1 on m_0']); // its queue span ends
    expect(dispatched.at(-1)).toEqual(['r2', 'm_0', 'parked']); // the slot is free: the next is parked
    scheduler.grant('e/m_0', first); // the rate limiter's word on r1, late: nothing left to do
    expect(granted).toEqual(['r1 on m_0']);
    expect(dispatched).toHaveLength(2);
  });

  it('frees a slot that gave its parked payload up, and ignores the grant that crossed that news', () => {
    const { scheduler, dispatched, asked, granted, payload, token } = harness({ parking: true });
    scheduler.addSlot('m', 1, ref('m_0'));
    scheduler.submit(payload('r1'));
    const given = token('e/m_0');
    scheduler.release('e/m_0', 1, given); // its deadline came first: the slot answered r1 itself
    scheduler.grant('e/m_0', given); // crossed it: the rate limiter takes the release as that grant's end
    expect(granted).toEqual([]);
    expect(asked.filter((a) => a.startsWith('give back'))).toEqual([]);
    scheduler.submit(payload('r2'));
    expect(dispatched.at(-1)).toEqual(['r2', 'm_0', 'parked']); // the slot is free again
  });

  it('withdraws a payload given up after its grant came here, leaving the one parked behind it', () => {
    const { scheduler, dispatched, payload, token } = harness({ parking: true });
    scheduler.addSlot('m', 1, ref('m_0'));
    scheduler.submit(payload('r1'));
    const first = token('e/m_0');
    scheduler.grant('e/m_0', first);
    scheduler.submit(payload('r2')); // parked behind r1
    scheduler.release('e/m_0', 1, first); // the slot gave r1 up before it heard the grant
    scheduler.submit(payload('r3'));
    expect(dispatched.at(-1)).toEqual(['r2', 'm_0', 'parked']); // r3 waits: r2 is still parked, ungranted
    scheduler.grant('e/m_0', token('e/m_0'));
    expect(dispatched.at(-1)).toEqual(['r3', 'm_0', 'parked']);
  });

  it('ignores news of a parking from before an outage', () => {
    const { scheduler, dispatched, payload, token } = harness({ parking: true });
    scheduler.addSlot('m', 1, ref('m_0'));
    scheduler.submit(payload('r1'));
    scheduler.release('e/m_0', 1, 'someone-else.0');
    scheduler.grant('e/m_0', 'someone-else.1');
    scheduler.submit(payload('r2'));
    expect(dispatched).toEqual([['r1', 'm_0', 'parked']]); // r1 still holds m_0
    scheduler.grant('e/m_0', token('e/m_0'));
    expect(dispatched.at(-1)).toEqual(['r2', 'm_0', 'parked']);
  });

  it('stages without parking where batches form at the grant, or a request has a queue timeout', () => {
    const { scheduler, dispatched, asked, payload } = harness({ parking: true });
    scheduler.addSlot('m', 1, ref('m_0'));
    scheduler.submit({ ...payload('r1'), timeoutAt: 5000 });
    expect(asked).toEqual(['stage e/m_0']);
    expect(dispatched).toEqual([]);
  });

  it('keeps a draining slot staged for what is parked there, and fails it if the slot is removed', () => {
    const { scheduler, failed, asked, payload } = harness({ parking: true });
    scheduler.addSlot('m', 1, ref('m_0'));
    scheduler.submit(payload('r1'));
    scheduler.drainSlot('e/m_0', 'executor stopping');
    expect(asked).toEqual(['stage  | park e/m_0']); // no unstage: it runs r1 on its grant
    scheduler.removeSlot('e/m_0', 'executor died');
    expect(failed).toEqual([expect.stringMatching(/^r1: instance 'm_0' of model 'm' stopped/)]);
  });

  it('reports parked slots apart from executing ones to a restarted rate limiter', () => {
    const { scheduler, payload, token } = harness({ parking: true });
    scheduler.addSlot('m', 1, ref('m_0'));
    scheduler.addSlot('m', 1, ref('m_1'));
    scheduler.submit(payload('r1'));
    scheduler.submit(payload('r2'));
    scheduler.grant('e/m_1', token('e/m_1'));
    expect(scheduler.rateLimiterRestarted()).toEqual({ executing: ['e/m_1'], staged: [], parked: [{ slot: ref('m_0'), token: token('e/m_0') }] });
  });

  it('abandons a parked payload that never came back, long after its deadline', () => {
    const { scheduler, dispatched, asked, payload, advance } = harness({ parking: true });
    scheduler.addSlot('m', 1, ref('m_0'));
    scheduler.submit(payload('r1', 2000));
    advance(1000 + LOST_AFTER_DEADLINE_MS);
    scheduler.expire();
    expect(asked.at(-1)).toBe('abandon e/m_0 its parking');
    scheduler.submit(payload('r2', 100_000));
    expect(dispatched.at(-1)).toEqual(['r2', 'm_0', 'parked']);
  });
});
