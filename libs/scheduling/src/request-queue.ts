import { unavailable, type FlotillaError } from '@flotilla/contracts';
import type { Payload } from './payload';
import { queueTimeoutMicros, type QueuePolicy, type SchedulingPolicy } from './scheduling-policy';

interface Level<C> {
  readonly policy: QueuePolicy;
  /** Unexpired requests, oldest first. */
  readonly waiting: Payload<C>[];
  /** Requests whose queue timeout passed under a DELAY policy: behind every unexpired one. */
  readonly delayed: Payload<C>[];
}

/**
 * One model version's waiting requests, as Triton's priority queue keeps them (triton-spec §3.5):
 * one FIFO per priority level, served level 1 first (strictly: a busy level 1 starves level 2),
 * requests whose queue timeout passed either failed (REJECT, Triton's "Request timeout expired")
 * or moved behind the level's unexpired ones (DELAY), and each level bounded by its
 * `max_queue_size` (Triton's "Exceeds maximum queue size", at once). Every request also fails at
 * its own deadline, whatever the policy.
 */
export class RequestQueue<C> {
  private readonly levels: Level<C>[];
  private count = 0;

  constructor(private readonly policy: SchedulingPolicy) {
    this.levels = policy.queuePolicies.map((queuePolicy) => ({ policy: queuePolicy, waiting: [], delayed: [] }));
  }

  get length(): number {
    return this.count;
  }

  /** Queues the request, or returns the error it must get now (its level is full). */
  enqueue(payload: Payload<C>): FlotillaError | undefined {
    const level = this.levels[this.levelIndex(payload.priority)];
    const { maxQueueSize } = level.policy;
    if (maxQueueSize > 0 && level.waiting.length + level.delayed.length >= maxQueueSize) {
      return unavailable(`[request id: ${payload.requestId || '<id_unknown>'}] Exceeds maximum queue size`);
    }
    const timeoutMicros = queueTimeoutMicros(level.policy, payload.timeoutMicros);
    if (timeoutMicros > 0) payload.timeoutAt = payload.enqueuedAt + timeoutMicros / 1000;
    level.waiting.push(payload);
    this.count++;
    return undefined;
  }

  /** Waiting requests in the order they are served: by level, unexpired before delayed, oldest first. */
  *[Symbol.iterator](): IterableIterator<Payload<C>> {
    for (const level of this.levels) {
      yield* level.waiting;
      yield* level.delayed;
    }
  }

  /** The first request in serving order, if any. */
  peek(): Payload<C> | undefined {
    for (const level of this.levels) {
      const first = level.waiting[0] ?? level.delayed[0];
      if (first) return first;
    }
    return undefined;
  }

  /** Removes and returns the first `n` requests in serving order. */
  take(n: number): Payload<C>[] {
    const taken: Payload<C>[] = [];
    for (const level of this.levels) {
      for (const list of [level.waiting, level.delayed]) {
        const part = list.splice(0, Math.min(n - taken.length, list.length));
        for (const payload of part) taken.push(payload);
        if (taken.length === n) break;
      }
      if (taken.length === n) break;
    }
    this.count -= taken.length;
    return taken;
  }

  /** Removes every waiting request (the version can no longer run them). */
  drain(): Payload<C>[] {
    return this.take(this.count);
  }

  /**
   * Applies what is due at `now`: requests past their deadline, and past a REJECT timeout, are
   * removed and handed to `fail` with the reason; those past a DELAY timeout move behind their
   * level's unexpired requests. Returns the earliest deadline or timeout still pending.
   */
  expire(now: number, fail: (payload: Payload<C>, error: FlotillaError) => void): number | undefined {
    let next: number | undefined;
    const soonest = (time: number | undefined) => {
      if (time !== undefined && (next === undefined || time < next)) next = time;
    };
    for (const level of this.levels) {
      const keep: Payload<C>[] = [];
      for (const payload of level.waiting) {
        if (payload.deadline <= now) {
          fail(payload, deadlineExpired(payload, now));
        } else if (payload.timeoutAt !== undefined && payload.timeoutAt <= now) {
          payload.timeoutAt = undefined;
          if (level.policy.timeoutAction === 'REJECT') {
            fail(payload, unavailable('Request timeout expired'));
          } else {
            level.delayed.push(payload);
            soonest(payload.deadline);
          }
        } else {
          keep.push(payload);
          soonest(payload.timeoutAt);
          soonest(payload.deadline);
        }
      }
      // In place, element by element: a spread of a long queue into splice() overflows the stack.
      replaceContents(level.waiting, keep);
      const delayedKeep: Payload<C>[] = [];
      for (const payload of level.delayed) {
        if (payload.deadline <= now) fail(payload, deadlineExpired(payload, now));
        else {
          delayedKeep.push(payload);
          soonest(payload.deadline);
        }
      }
      replaceContents(level.delayed, delayedKeep);
    }
    this.count = this.levels.reduce((sum, level) => sum + level.waiting.length + level.delayed.length, 0);
    return next;
  }

  /** Triton's rule: a priority of 0 or above the levels means the default level. */
  private levelIndex(priority: number | undefined): number {
    const levels = this.policy.priorityLevels;
    if (levels === 0) return 0;
    const level = priority === undefined || priority === 0 || priority > levels ? this.policy.defaultPriorityLevel : priority;
    return level - 1;
  }
}

function deadlineExpired(payload: Payload<unknown>, now: number) {
  return unavailable(`request deadline expired after waiting ${Math.round(now - payload.enqueuedAt)} ms for an instance of model '${payload.model}'`);
}

function replaceContents<T>(target: T[], contents: readonly T[]): void {
  target.length = contents.length;
  for (let i = 0; i < contents.length; i++) target[i] = contents[i];
}
