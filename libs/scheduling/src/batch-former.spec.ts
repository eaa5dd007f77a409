// Triton's batch-forming rules (triton-spec §3.4, checklist 26–31), with the QA examples of §8.3.
import type { Payload } from './payload';
import { decideBatch } from './batch-former';
import { DEFAULT_SCHEDULING_POLICY, type SchedulingPolicy } from './scheduling-policy';

const policy = (preferred: number[], delayMicros = 0, maxBatchSize = 8): SchedulingPolicy => ({
  ...DEFAULT_SCHEDULING_POLICY,
  maxBatchSize,
  dynamicBatching: { preferredBatchSizes: preferred, maxQueueDelayMicros: delayMicros, preserveOrdering: false },
});
const request = (batchSize: number, enqueuedAt = 0, shapeKey = 'x'): Payload<null> => ({ model: 'm', version: 1, enqueuedAt, deadline: 1e12, carrier: null, batchSize, shapeKey });
const many = (n: number, batchSize = 1) => Array.from({ length: n }, () => request(batchSize));

describe('decideBatch', () => {
  it('without dynamic batching runs each request alone', () => {
    expect(decideBatch(many(3), DEFAULT_SCHEDULING_POLICY, 0)).toEqual({ kind: 'run', count: 1, full: true });
    expect(decideBatch([], DEFAULT_SCHEDULING_POLICY, 0)).toEqual({ kind: 'none' });
  });

  it('sends a preferred size at once and waits out the delay for other sizes (preferred [2, 6], 10 s)', () => {
    const slow = policy([2, 6], 10_000_000);
    expect(decideBatch([request(2)], slow, 1)).toEqual({ kind: 'run', count: 1, full: true });
    expect(decideBatch([request(6)], slow, 1)).toEqual({ kind: 'run', count: 1, full: true });
    expect(decideBatch([request(3)], slow, 1)).toEqual({ kind: 'wait', until: 10_000 });
    expect(decideBatch([request(1)], slow, 1)).toEqual({ kind: 'wait', until: 10_000 });
    expect(decideBatch([request(3)], slow, 10_000)).toEqual({ kind: 'run', count: 1, full: false });
    expect(decideBatch([request(7)], slow, 1)).toEqual({ kind: 'run', count: 1, full: true }); // above the largest preferred
    expect(decideBatch(many(6), slow, 1)).toEqual({ kind: 'run', count: 6, full: true });
  });

  it('without a delay takes the largest preferred size reached, else everything (preferred [4, 6])', () => {
    const eager = policy([4, 6]);
    expect(decideBatch(many(5), eager, 0)).toEqual({ kind: 'run', count: 4, full: true });
    expect(decideBatch(many(7), eager, 0)).toEqual({ kind: 'run', count: 6, full: true });
    expect(decideBatch(many(3), eager, 0)).toEqual({ kind: 'run', count: 3, full: false });
    expect(decideBatch(many(1), eager, 0)).toEqual({ kind: 'run', count: 1, full: false });
  });

  it('never exceeds max_batch_size, and does not batch requests whose shapes differ', () => {
    expect(decideBatch([request(5), request(4)], policy([8]), 0)).toEqual({ kind: 'run', count: 1, full: true });
    expect(decideBatch([request(1), request(1, 0, 'y'), request(1)], policy([8], 1_000_000), 0)).toEqual({ kind: 'run', count: 1, full: true });
  });

  it('remembers the size before overshooting the largest preferred one when none was reached', () => {
    expect(decideBatch([request(3), request(2)], policy([4], 1_000_000), 0)).toEqual({ kind: 'run', count: 1, full: true });
  });

  it('sends the whole batch once the oldest request has waited the delay', () => {
    expect(decideBatch([request(1, 0), request(1, 5)], policy([4], 10_000), 5)).toEqual({ kind: 'wait', until: 10 });
    expect(decideBatch([request(1, 0), request(1, 5)], policy([4], 10_000), 10)).toEqual({ kind: 'run', count: 2, full: false });
    expect(decideBatch([request(1, 0)], policy([4], 10_000), 0, true)).toEqual({ kind: 'run', count: 1, full: false });
  });
});
