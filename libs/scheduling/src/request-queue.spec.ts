// Triton's priority levels and queue policies (triton-spec §3.5, checklist 32–39), with a fake clock.
import type { FlotillaError } from '@flotilla/contracts';
import type { Payload } from './payload';
import { RequestQueue } from './request-queue';
import { DEFAULT_SCHEDULING_POLICY, type QueuePolicy, type SchedulingPolicy } from './scheduling-policy';

const queuePolicy = (overrides: Partial<QueuePolicy> = {}): QueuePolicy => ({
  timeoutAction: 'REJECT',
  defaultTimeoutMicros: 0,
  allowTimeoutOverride: false,
  overrideWithoutDefault: false,
  maxQueueSize: 0,
  ...overrides,
});
const levels = (policies: QueuePolicy[], defaultPriorityLevel = 1): SchedulingPolicy => ({
  ...DEFAULT_SCHEDULING_POLICY,
  maxBatchSize: 8,
  dynamicBatching: { preferredBatchSizes: [8], maxQueueDelayMicros: 0, preserveOrdering: false },
  priorityLevels: policies.length,
  defaultPriorityLevel,
  queuePolicies: policies,
});
const request = (id: string, extra: Partial<Payload<string>> = {}): Payload<string> => ({ model: 'm', version: 1, requestId: id, enqueuedAt: 0, deadline: 60_000, carrier: id, ...extra });
const ids = (queue: RequestQueue<string>) => [...queue].map((p) => p.carrier);

function expireAt(queue: RequestQueue<string>, now: number) {
  const failed: string[] = [];
  const next = queue.expire(now, (p, error: FlotillaError) => failed.push(`${p.carrier}: ${error.code} ${error.message}`));
  return { failed, next };
}

describe('RequestQueue', () => {
  it('serves level 1 before level 2, FIFO within a level, and puts priority 0 or above the levels on the default level', () => {
    const queue = new RequestQueue<string>(levels([queuePolicy(), queuePolicy()], 2));
    queue.enqueue(request('low-a'));
    queue.enqueue(request('high-a', { priority: 1 }));
    queue.enqueue(request('low-b', { priority: 7 }));
    queue.enqueue(request('high-b', { priority: 1 }));
    queue.enqueue(request('low-c', { priority: 2 }));
    expect(ids(queue)).toEqual(['high-a', 'high-b', 'low-a', 'low-b', 'low-c']);
    expect(queue.take(3).map((p) => p.carrier)).toEqual(['high-a', 'high-b', 'low-a']);
    expect(queue.length).toBe(2);
  });

  it('refuses a request at once when its level holds max_queue_size, with Triton’s text', () => {
    const queue = new RequestQueue<string>(levels([queuePolicy({ maxQueueSize: 1 }), queuePolicy()], 2));
    expect(queue.enqueue(request('a', { priority: 1 }))).toBeUndefined();
    const full = queue.enqueue(request('b', { priority: 1 }));
    expect([full?.code, full?.message]).toEqual(['UNAVAILABLE', '[request id: b] Exceeds maximum queue size']);
    expect(queue.enqueue(request('', { priority: 1 }))?.message).toBe('[request id: <id_unknown>] Exceeds maximum queue size');
    expect(queue.enqueue(request('c', { priority: 2 }))).toBeUndefined(); // another level, another bound
  });

  it('rejects a request whose queue timeout passed with Triton’s text, and says when the next one is due', () => {
    const queue = new RequestQueue<string>(levels([queuePolicy({ defaultTimeoutMicros: 100_000 })]));
    queue.enqueue(request('a'));
    queue.enqueue(request('b', { enqueuedAt: 50 }));
    expect(expireAt(queue, 99)).toEqual({ failed: [], next: 100 });
    expect(expireAt(queue, 100)).toEqual({ failed: ['a: UNAVAILABLE Request timeout expired'], next: 150 });
    expect(ids(queue)).toEqual(['b']);
  });

  it('moves a request whose timeout passed under DELAY behind the unexpired ones of its level', () => {
    const queue = new RequestQueue<string>(levels([queuePolicy({ timeoutAction: 'DELAY', defaultTimeoutMicros: 100_000 })]));
    queue.enqueue(request('a'));
    queue.enqueue(request('b', { enqueuedAt: 80 }));
    expect(expireAt(queue, 100).failed).toEqual([]);
    queue.enqueue(request('c', { enqueuedAt: 120 }));
    expect(ids(queue)).toEqual(['b', 'c', 'a']);
  });

  it('applies a request’s own timeout only when allowed and shorter than a non-zero default (Triton’s rule)', () => {
    const allowing = new RequestQueue<string>(levels([queuePolicy({ defaultTimeoutMicros: 100_000, allowTimeoutOverride: true })]));
    allowing.enqueue(request('short', { timeoutMicros: 10_000 }));
    allowing.enqueue(request('long', { timeoutMicros: 500_000 }));
    expect(expireAt(allowing, 10).failed).toEqual(['short: UNAVAILABLE Request timeout expired']);
    expect(expireAt(allowing, 100).failed).toEqual(['long: UNAVAILABLE Request timeout expired']);

    const refusing = new RequestQueue<string>(levels([queuePolicy({ defaultTimeoutMicros: 100_000 })]));
    refusing.enqueue(request('short', { timeoutMicros: 10_000 }));
    expect(expireAt(refusing, 10).failed).toEqual([]);

    const noDefault = new RequestQueue<string>(levels([queuePolicy({ allowTimeoutOverride: true })]));
    noDefault.enqueue(request('short', { timeoutMicros: 10_000 }));
    expect(expireAt(noDefault, 10_000).failed).toEqual([]); // Triton's quirk: no default, no override
  });

  it('in the default scheduler, fails a request that asked for a timeout once it waited that long', () => {
    const queue = new RequestQueue<string>(DEFAULT_SCHEDULING_POLICY);
    queue.enqueue(request('patient'));
    queue.enqueue(request('hasty', { timeoutMicros: 2_000 }));
    expect(expireAt(queue, 2).failed).toEqual(['hasty: UNAVAILABLE Request timeout expired']);
  });

  it('fails every request at its deadline, delayed ones too', () => {
    const queue = new RequestQueue<string>(levels([queuePolicy({ timeoutAction: 'DELAY', defaultTimeoutMicros: 1_000 })]));
    queue.enqueue(request('a', { deadline: 500 }));
    expireAt(queue, 1); // delayed
    const { failed, next } = expireAt(queue, 500);
    expect(failed).toEqual(['a: UNAVAILABLE request deadline expired after waiting 500 ms for an instance of model \'m\'']);
    expect([next, queue.length]).toEqual([undefined, 0]);
  });

  it('expires a queue of 200 000 requests without overflowing the stack', () => {
    const queue = new RequestQueue<string>(DEFAULT_SCHEDULING_POLICY);
    for (let i = 0; i < 200_000; i++) queue.enqueue(request(String(i), { deadline: i % 2 === 0 ? 10 : 60_000 }));
    expect(expireAt(queue, 10).failed).toHaveLength(100_000);
    expect(queue.length).toBe(100_000);
  });
});
