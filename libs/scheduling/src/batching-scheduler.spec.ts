// DefaultScheduler with dynamic batching, priority levels and queue policies (fake clock).
import type { FlotillaError } from '@flotilla/contracts';
import { DefaultScheduler, type GrantGate } from './default-scheduler';
import type { SlotRef } from './instance-slot';
import type { Payload } from './payload';
import { DEFAULT_SCHEDULING_POLICY, type QueuePolicy, type SchedulingPolicy } from './scheduling-policy';

const ref = (instance: string, needsResources?: boolean): SlotRef => ({ slotId: `e/${instance}`, subject: `s.${instance}`, executorId: 'e', instance, device: 'cpu', host: 'h', simulated: false, ...(needsResources === undefined ? {} : { needsResources }) });
const NO_POLICY: QueuePolicy = { timeoutAction: 'REJECT', defaultTimeoutMicros: 0, allowTimeoutOverride: false, overrideWithoutDefault: false, maxQueueSize: 0 };
const batching = (overrides: Partial<SchedulingPolicy> = {}, preferred = [4], delayMicros = 0, preserveOrdering = false): SchedulingPolicy => ({
  ...DEFAULT_SCHEDULING_POLICY,
  maxBatchSize: 8,
  dynamicBatching: { preferredBatchSizes: preferred, maxQueueDelayMicros: delayMicros, preserveOrdering },
  queuePolicies: [NO_POLICY],
  ...overrides,
});

function harness(policy: SchedulingPolicy, options: { slotDepth?: number; gate?: GrantGate } = {}) {
  let now = 1000;
  const dispatched: [string, string][] = [];
  const failed: string[] = [];
  const wakes: number[] = [];
  const scheduler = new DefaultScheduler<string>(
    {
      dispatch: (batch, slot) => dispatched.push([batch.map((p) => p.carrier).join('+'), slot.instance]),
      fail: (p, e: FlotillaError, reason) => failed.push(`${p.carrier}: ${e.message}${reason === 'REJECTED' ? '' : ` (${reason})`}`),
      wakeAt: (time) => wakes.push(time),
    },
    () => now,
    { slotDepth: options.slotDepth ?? 2, ...(options.gate ? { gate: options.gate } : {}) },
  );
  scheduler.setPolicy('m', policy);
  const submit = (carrier: string, extra: Partial<Payload<string>> = {}) =>
    scheduler.submit({ model: 'm', version: 1, requestId: carrier, enqueuedAt: now, deadline: now + 60_000, carrier, batchSize: 1, shapeKey: 'x', ...extra });
  return { scheduler, dispatched, failed, wakes, submit, advance: (ms: number) => (now += ms) };
}

describe('DefaultScheduler with dynamic batching', () => {
  it('lets a batch grow while every instance is busy, and prefetches only a batch that cannot grow', () => {
    const { scheduler, dispatched, submit } = harness(batching());
    scheduler.addSlot('m', 1, ref('m_0'));
    submit('r1'); // the idle slot takes what there is
    for (const id of ['r2', 'r3', 'r4']) submit(id);
    expect(dispatched).toEqual([['r1', 'm_0']]); // three could still become four
    submit('r5'); // four: the preferred size, prefetched behind r1
    expect(dispatched).toEqual([
      ['r1', 'm_0'],
      ['r2+r3+r4+r5', 'm_0'],
    ]);
    submit('r6');
    scheduler.release('e/m_0');
    expect(dispatched.at(-1)).toEqual(['r2+r3+r4+r5', 'm_0']); // r6 waits: the slot is still busy with one batch
    scheduler.release('e/m_0');
    expect(dispatched.at(-1)).toEqual(['r6', 'm_0']);
  });

  it('waits out max_queue_delay for a preferred size, asking to be woken when it ends', () => {
    const { scheduler, dispatched, wakes, submit, advance } = harness(batching({}, [4], 10_000));
    scheduler.addSlot('m', 1, ref('m_0'));
    submit('r1');
    advance(4);
    submit('r2');
    expect(dispatched).toEqual([]);
    expect(wakes.at(-1)).toBe(1010);
    advance(6);
    expect(scheduler.expire()).toBeUndefined();
    expect(dispatched).toEqual([['r1+r2', 'm_0']]);
  });

  it('does not batch requests whose shapes differ', () => {
    const { scheduler, dispatched, submit } = harness(batching({}, [8]), { slotDepth: 1 });
    scheduler.addSlot('m', 1, ref('m_0'));
    submit('r1');
    submit('a', { shapeKey: 'x' });
    submit('b', { shapeKey: 'y' });
    submit('c', { shapeKey: 'x' });
    scheduler.release('e/m_0');
    expect(dispatched.at(-1)).toEqual(['a', 'm_0']);
  });

  it('serves priority level 1 first, and refuses a request when its level is full', () => {
    const policy = batching({ priorityLevels: 2, defaultPriorityLevel: 2, queuePolicies: [NO_POLICY, { ...NO_POLICY, maxQueueSize: 2 }] }, [1]);
    const { scheduler, dispatched, failed, submit } = harness(policy, { slotDepth: 1 });
    scheduler.addSlot('m', 1, ref('m_0'));
    submit('first');
    submit('low-1');
    submit('low-2');
    submit('low-3'); // level 2 holds two already
    submit('high', { priority: 1 });
    expect(failed).toEqual(['low-3: [request id: low-3] Exceeds maximum queue size']);
    scheduler.release('e/m_0');
    expect(dispatched.at(-1)).toEqual(['high', 'm_0']);
  });

  it('rejects a request whose queue timeout passes, with Triton’s text', () => {
    const policy = batching({ queuePolicies: [{ ...NO_POLICY, defaultTimeoutMicros: 5_000 }] }, [1]);
    const { scheduler, failed, wakes, submit, advance } = harness(policy, { slotDepth: 1 });
    scheduler.addSlot('m', 1, ref('m_0'));
    submit('running');
    submit('late');
    expect(wakes).toContain(1005);
    advance(5);
    scheduler.expire();
    expect(failed).toEqual(['late: Request timeout expired']);
  });

  it('with preserve_ordering runs one batch at a time, so responses leave in arrival order', () => {
    const { scheduler, dispatched, submit } = harness(batching({}, [1], 0, true));
    scheduler.addSlot('m', 1, ref('m_0'));
    scheduler.addSlot('m', 1, ref('m_1'));
    submit('r1');
    submit('r2');
    expect(dispatched).toEqual([['r1', 'm_0']]);
    scheduler.release('e/m_0');
    expect(dispatched.at(-1)).toEqual(['r2', 'm_1']);
  });

  it('with rate limiting, stages one slot for a growing batch, which runs what waits when granted', () => {
    const asked: string[] = [];
    const gate: GrantGate = { stage: (ids) => asked.push(`stage ${ids.join(',')}`), unstage: (ids) => asked.push(`unstage ${ids.join(',')}`), giveBack: (id) => asked.push(`give back ${id}`), abandonPark: (id) => asked.push(`abandon ${id}`) };
    const { scheduler, dispatched, submit } = harness(batching({}, [8]), { gate });
    scheduler.addSlot('m', 1, ref('m_0', true));
    scheduler.addSlot('m', 1, ref('m_1', true));
    for (const id of ['r1', 'r2', 'r3']) submit(id);
    expect(asked).toEqual(['stage e/m_0']); // one batch's worth of work: one grant wanted
    scheduler.grant('e/m_0');
    expect(dispatched).toEqual([['r1+r2+r3', 'm_0']]);
  });
});

describe('DefaultScheduler prefetch under queue policies', () => {
  it('prefetches nothing with priority levels or a bounded queue, nor a request with a queue timeout', () => {
    for (const policy of [
      batching({ priorityLevels: 2, defaultPriorityLevel: 1, queuePolicies: [NO_POLICY, NO_POLICY] }, [1]),
      batching({ queuePolicies: [{ ...NO_POLICY, maxQueueSize: 4 }] }, [1]),
      batching({ queuePolicies: [{ ...NO_POLICY, defaultTimeoutMicros: 1_000_000 }] }, [1]),
    ]) {
      const { scheduler, dispatched, submit } = harness(policy);
      scheduler.addSlot('m', 1, ref('m_0'));
      submit('r1');
      submit('r2');
      expect(dispatched).toEqual([['r1', 'm_0']]);
    }
    const { scheduler, dispatched, submit } = harness(batching({}, [1]));
    scheduler.addSlot('m', 1, ref('m_0'));
    submit('r1');
    submit('r2');
    expect(dispatched).toEqual([
      ['r1', 'm_0'],
      ['r2', 'm_0'],
    ]);
  });
});
