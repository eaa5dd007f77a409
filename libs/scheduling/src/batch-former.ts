import type { Payload } from './payload';
import type { SchedulingPolicy } from './scheduling-policy';

/**
 * What to do with a version's queue now that something could run it:
 * - `run`: take the first `count` requests in serving order as one execution; `full` when the batch
 *   reached the largest preferred size (or the model's limit), so nothing is gained by waiting;
 * - `wait`: a batch may still grow into a preferred size; decide again at `until` (epoch ms) or
 *   when a request arrives;
 * - `none`: nothing waits.
 */
export type BatchDecision = { readonly kind: 'run'; readonly count: number; readonly full: boolean } | { readonly kind: 'wait'; readonly until: number } | { readonly kind: 'none' };

/**
 * Triton's dynamic batcher's choice (triton-spec §3.4), over the requests in serving order:
 * the first request always starts the batch; the batch stops before a request that would take
 * it past `max_batch_size` or whose inputs' shapes differ; the largest preferred size reached
 * along the way is remembered, and so is the size at the point where the next request would
 * overshoot the largest preferred size with none reached. Then: a remembered size is sent at once
 * unless the oldest request has waited `max_queue_delay_microseconds` (then all of the batch goes);
 * a batch that stopped early or reached the largest preferred size goes; otherwise what is there
 * goes when the delay is 0 or spent, and waits for the rest of the delay when not.
 * Without dynamic batching every request runs alone, in serving order.
 *
 * `delayOver` forces the delay to count as spent: an instance already holds resources for this
 * version (rate limiting), so the batch goes with what has come.
 */
export function decideBatch<C>(queue: Iterable<Payload<C>>, policy: SchedulingPolicy, now: number, delayOver = false): BatchDecision {
  const batching = policy.dynamicBatching;
  if (!batching) return queue[Symbol.iterator]().next().done ? { kind: 'none' } : { kind: 'run', count: 1, full: true };
  const maxBatch = Math.max(1, policy.maxBatchSize);
  const preferred = batching.preferredBatchSizes;
  const maxPreferred = preferred[preferred.length - 1];
  let pending = 0;
  let count = 0;
  let oldest = Infinity;
  let shapeKey: string | undefined;
  let best: number | undefined; // the request count of the remembered batch
  let stoppedEarly = false;
  for (const payload of queue) {
    const size = payload.batchSize ?? 1;
    if (count > 0) {
      if (pending + size > maxPreferred && best === undefined) best = count;
      if (pending + size > maxBatch || payload.shapeKey !== shapeKey) {
        stoppedEarly = true;
        break;
      }
    } else {
      shapeKey = payload.shapeKey;
    }
    pending += size;
    count++;
    oldest = Math.min(oldest, payload.enqueuedAt);
    if (preferred.includes(pending)) best = count;
  }
  if (count === 0) return { kind: 'none' };
  const delayMs = batching.maxQueueDelayMicros / 1000;
  const delaySpent = delayOver || (delayMs > 0 && now - oldest >= delayMs);
  if (best !== undefined && !delaySpent) return { kind: 'run', count: best, full: true };
  if (stoppedEarly || pending >= maxPreferred) return { kind: 'run', count, full: true };
  if (delaySpent || delayMs === 0) return { kind: 'run', count, full: false };
  return { kind: 'wait', until: oldest + delayMs };
}
