import { FlotillaError, unavailable, type SchedulerStatus } from '@flotilla/contracts';
import { InstanceSlot, type SlotRef } from './instance-slot';
import type { Payload } from './payload';

/** What the scheduler asks its host to do; the host owns the transport. */
export interface SchedulerEffects<C> {
  /** Send the payload to the slot. The slot stays busy until `release(slotId)`. */
  dispatch(payload: Payload<C>, slot: SlotRef, queueMicros: number): void;
  /** Answer the payload's requester with an error; the payload is gone from the scheduler. */
  fail(payload: Payload<C>, error: FlotillaError): void;
}

/**
 * With rate limiting on, where the scheduler asks for grants (the rate limiter's side of the
 * conversation; the host sends these). Without one, the scheduler decides alone.
 */
export interface GrantGate {
  /** These idle slots have work waiting: each wants one grant. */
  stage(slotIds: readonly string[]): void;
  /** These staged slots no longer have work (requests expired or failed before a grant came). */
  unstage(slotIds: readonly string[]): void;
  /** A grant arrived with no work left for it (or for a slot that is gone): hand it back unused. */
  giveBack(slotId: string): void;
}

interface VersionQueue<C> {
  readonly model: string;
  readonly version: number;
  readonly waiting: Payload<C>[];
  readonly slots: Map<string, InstanceSlot<Payload<C>>>;
  /** Idle slot ids, longest-idle first: work spreads over every slot instead of piling on one. */
  readonly idle: string[];
  /**
   * With a gate: slots that asked for a grant, one per waiting payload not yet placed. An idle
   * slot is staged first; a busy one is staged ahead (the rate limiter restages it the moment it
   * releases, as Triton's instance does, so it keeps its turn by priority).
   */
  readonly staged: Set<string>;
  /** With a gate: busy slots granted ahead of their release; each runs a payload when it releases. */
  readonly granted: Set<string>;
  /**
   * With a gate: how many of its slots need grants (`needsResources` not false). At 0 the version
   * is scheduled exactly as without a gate, prefetch included.
   */
  gatedSlots: number;
}

export interface SchedulerOptions {
  /**
   * Payloads a slot may hold at once: the one it executes plus those prefetched behind it
   * (see InstanceSlot). 1 disables prefetch; Triton prefetches up to 2 per instance.
   */
  readonly slotDepth?: number;
  /**
   * Rate limiting on: a slot whose group needs resources runs a payload only once granted (its
   * resources are free and it is next by priority), and is never prefetched onto — resources are
   * held only while an instance executes, so work must not be bound to a slot without a grant.
   * Slots that need no resources never wait for one (see the class comment) and bypass the gate.
   */
  readonly gate?: GrantGate;
}

/**
 * Triton's default scheduler (triton-spec §3.1) for every model version: one FIFO queue, each
 * request executed on its own, handed to the first idle instance slot — or, when every slot is
 * busy, prefetched onto the slot with the fewest payloads while it has room. With rate limiting
 * off this is the whole decision — no round trip to the rate limiter on the request path.
 *
 * With a gate (rate limiting on), only slots that need resources ask for grants. A slot whose
 * group declares no resources is scheduled as without a gate, prefetch included (prefetch only in
 * versions where no slot needs resources, so work is never bound to a free slot ahead of a gated
 * one that could run it now): the rate limiter would grant it the moment it was staged, whatever
 * else waits — it takes nothing from any pool, so it can be neither blocked nor a reason to hold
 * anyone back — and asking would only add a round trip. The rate limiter still counts its
 * executions, from the releases it hears anyway. While the rate limiter is away, such slots keep
 * serving and gated ones wait, with their deadlines, for it to come back.
 *
 * Ownership: a payload belongs to exactly one place at a time — a queue, a busy slot, or (after
 * `dispatch`/`fail`) the host. Nothing is dropped silently: a removed slot fails its payload, a
 * version left without slots fails its queue, an expired deadline fails the waiting payload.
 */
export class DefaultScheduler<C> {
  private readonly queues = new Map<string, VersionQueue<C>>();
  private readonly slotIndex = new Map<string, VersionQueue<C>>();

  private readonly slotDepth: number;
  private readonly gate: GrantGate | undefined;
  /** The rate limiter cannot be reached (only news is reported; gated work waits meanwhile). */
  private rateLimiterAway = false;

  constructor(
    private readonly effects: SchedulerEffects<C>,
    private readonly clock: () => number = preciseNow,
    options: SchedulerOptions = {},
  ) {
    this.gate = options.gate;
    this.slotDepth = options.slotDepth ?? 2;
  }

  /** Accepts a payload; it runs now if a slot is idle, else waits its turn. */
  submit(payload: Payload<C>): void {
    const queue = this.queues.get(key(payload.model, payload.version));
    if (!queue || !hasAcceptingSlot(queue)) {
      this.effects.fail(payload, unavailable(`model '${payload.model}' version ${payload.version} has no ready instances`));
      return;
    }
    queue.waiting.push(payload);
    this.pump(queue);
  }

  /** A slot became able to execute (its executor announced it ready). */
  addSlot(model: string, version: number, ref: SlotRef): void {
    if (this.slotIndex.has(ref.slotId)) return;
    const queue = this.queueFor(model, version);
    const gated = this.isGated(ref);
    if (gated) queue.gatedSlots++;
    queue.slots.set(ref.slotId, new InstanceSlot(ref, gated ? 1 : this.slotDepth));
    queue.idle.push(ref.slotId);
    this.slotIndex.set(ref.slotId, queue);
    this.pump(queue);
  }

  /**
   * The executor finished the slot's oldest `count` payloads (successfully or not: it replied
   * either way). Slots report completions in batches (see the serving thread), so count may be > 1.
   */
  release(slotId: string, count = 1): void {
    const queue = this.slotIndex.get(slotId);
    const slot = queue?.slots.get(slotId);
    if (!queue || !slot) return; // late release after removal: nothing to do
    for (let i = 0; i < count && slot.occupancy === 'busy'; i++) slot.release();
    if (queue.granted.delete(slotId)) return this.useGrant(queue, slot);
    markIdle(queue, slot);
    this.pump(queue);
  }

  /**
   * The slot's executor is stopping: the slot takes no new payloads, and those it holds run to
   * the end (their releases still arrive); `removeSlot` follows once it is gone. When no slot of
   * the version takes payloads any more, its waiting payloads fail now rather than at their deadline.
   */
  drainSlot(slotId: string, reason: string): void {
    const queue = this.slotIndex.get(slotId);
    const slot = queue?.slots.get(slotId);
    if (!queue || !slot) return;
    slot.drain();
    removeFrom(queue.idle, slotId);
    if (queue.staged.delete(slotId)) this.gate?.unstage([slotId]);
    this.failWaitingIfNoSlotAccepts(queue, reason);
    if (this.gate) this.stageFor(queue); // its work wants another slot's grant
  }

  /**
   * Slots that can no longer execute (executor died, left, or the slot failed). Their in-flight
   * payloads fail with `reason`; a version left with no slots fails its waiting payloads too.
   */
  removeSlot(slotId: string, reason: string): void {
    const queue = this.slotIndex.get(slotId);
    const slot = queue?.slots.get(slotId);
    if (!queue || !slot) return;
    this.slotIndex.delete(slotId);
    queue.slots.delete(slotId);
    removeFrom(queue.idle, slotId);
    queue.staged.delete(slotId); // the rate limiter drops a gone slot itself
    queue.granted.delete(slotId);
    if (this.isGated(slot.ref)) queue.gatedSlots--;
    for (const payload of slot.remove()) {
      this.effects.fail(payload, unavailable(`instance '${slot.ref.instance}' of model '${queue.model}' stopped while executing the request: ${reason}`));
    }
    this.failWaitingIfNoSlotAccepts(queue, reason);
    if (this.gate) this.stageFor(queue);
  }

  /**
   * Fails waiting payloads whose deadline has passed, and returns the earliest deadline still
   * waiting (undefined when nothing waits), so the caller can sleep until exactly then.
   */
  expire(now = this.clock()): number | undefined {
    let next: number | undefined;
    for (const queue of this.queues.values()) {
      if (queue.waiting.length === 0) continue;
      const keep: Payload<C>[] = [];
      for (const payload of queue.waiting) {
        if (payload.deadline > now) {
          keep.push(payload);
          next = Math.min(next ?? Infinity, payload.deadline);
        } else {
          this.effects.fail(payload, unavailable(`request deadline expired after waiting ${now - payload.enqueuedAt} ms for an instance of model '${queue.model}'`));
        }
      }
      if (keep.length === queue.waiting.length) continue;
      queue.waiting.splice(0, queue.waiting.length, ...keep);
      if (this.gate) this.stageFor(queue);
    }
    return next;
  }

  /**
   * The rate limiter granted the slot: it runs the version's oldest waiting payload now. A grant
   * with nothing left to run (requests expired meanwhile, or the slot is gone or draining) goes
   * back unused.
   */
  grant(slotId: string): void {
    const gate = this.gate;
    if (!gate) throw new Error(`slot ${slotId}: a grant, but this scheduler does not rate-limit`);
    const queue = this.slotIndex.get(slotId);
    const slot = queue?.slots.get(slotId);
    if (!queue || !slot) return gate.giveBack(slotId);
    queue.staged.delete(slotId);
    // Staged ahead and granted before this scheduler heard its release: it runs on release.
    if (slot.occupancy === 'busy' && slot.isAccepting) {
      queue.granted.add(slotId);
      return;
    }
    this.useGrant(queue, slot);
  }

  private useGrant(queue: VersionQueue<C>, slot: InstanceSlot<Payload<C>>): void {
    const slotId = slot.ref.slotId;
    if (!slot.hasRoom || queue.waiting.length === 0) {
      this.gate!.giveBack(slotId);
      markIdle(queue, slot);
      return this.stageFor(queue);
    }
    removeFrom(queue.idle, slotId);
    this.run(queue, slot);
    this.stageFor(queue);
  }

  /**
   * Nothing listens where stages go (the rate limiter is down or restarting). Nothing changes
   * here: slots that need no resources never wait for it, and gated work waits, with its
   * deadline, until it is back (`rateLimiterRestarted`). Returns whether this is news.
   */
  rateLimiterUnreachable(): boolean {
    if (!this.gate || this.rateLimiterAway) return false;
    this.rateLimiterAway = true;
    return true;
  }

  /**
   * The rate limiter restarted and knows nothing: what this scheduler holds, for it to adopt —
   * gated slots executing on a grant, and slots staged for one. Grants held for a busy slot's
   * release came from the rate limiter that is gone, so they turn back into stages; the report
   * carries them, so no stage message goes out as well.
   */
  rateLimiterRestarted(): { executing: string[]; staged: string[] } {
    this.rateLimiterAway = false;
    const executing: string[] = [];
    const staged: string[] = [];
    for (const queue of this.queues.values()) {
      for (const slotId of queue.granted) queue.staged.add(slotId);
      queue.granted.clear();
      for (const slot of queue.slots.values()) if (slot.occupancy === 'busy' && this.isGated(slot.ref)) executing.push(slot.ref.slotId);
      this.stageFor(queue, false);
      staged.push(...queue.staged);
    }
    return { executing, staged };
  }

  /** Per version: its slots and queue length. Readiness here means "some slot can execute". */
  status(): Omit<SchedulerStatus['models'][number], 'loading'>[] {
    return [...this.queues.values()].map((queue) => ({
      name: queue.model,
      version: queue.version,
      ready: hasAcceptingSlot(queue),
      queued: queue.waiting.length,
      slots: [...queue.slots.values()].map((slot) => ({ ...slot.ref, busy: slot.occupancy === 'busy', ...(slot.isAccepting ? {} : { draining: true as const }) })),
    }));
  }

  /** Waiting payloads would wait out their deadlines for nothing: fail them now, saying why. */
  private failWaitingIfNoSlotAccepts(queue: VersionQueue<C>, reason: string): void {
    if (hasAcceptingSlot(queue)) return;
    for (const payload of queue.waiting.splice(0)) {
      this.effects.fail(payload, unavailable(`model '${queue.model}' version ${queue.version} has no ready instances left: ${reason}`));
    }
  }

  private pump(queue: VersionQueue<C>): void {
    if (this.gate && queue.gatedSlots > 0) {
      this.runOnFreeSlots(queue);
      return this.stageFor(queue);
    }
    while (queue.waiting.length > 0) {
      const slot = this.nextSlot(queue);
      if (!slot) return;
      this.run(queue, slot);
    }
  }

  private run(queue: VersionQueue<C>, slot: InstanceSlot<Payload<C>>): void {
    const payload = queue.waiting.shift() as Payload<C>;
    slot.assign(payload);
    this.effects.dispatch(payload, slot.ref, Math.max(0, Math.round((this.clock() - payload.enqueuedAt) * 1000)));
  }

  /**
   * A version with gated slots: its idle slots that need no resources take waiting payloads
   * directly, leaving one for each slot granted ahead of its release.
   */
  private runOnFreeSlots(queue: VersionQueue<C>): void {
    if (queue.gatedSlots === queue.slots.size) return;
    for (let i = 0; i < queue.idle.length && queue.waiting.length > queue.granted.size; ) {
      const slot = queue.slots.get(queue.idle[i]);
      if (!slot || this.isGated(slot.ref)) {
        i++;
        continue;
      }
      queue.idle.splice(i, 1);
      this.run(queue, slot);
    }
  }

  /** Whether the slot runs only on grants: rate limiting is on and its group may need resources. */
  private isGated(ref: SlotRef): boolean {
    return this.gate !== undefined && ref.needsResources !== false;
  }

  /**
   * With a gate: one staged gated slot per waiting payload not yet placed (granted-ahead slots
   * place one each), idle slots first (longest-idle first), then busy ones ahead of their release;
   * slots staged beyond what waits are unstaged. `publish: false` stages without telling the
   * rate limiter, for a caller that reports the staged slots itself.
   */
  private stageFor(queue: VersionQueue<C>, publish = true): void {
    const gate = this.gate!;
    if (queue.gatedSlots === 0 && queue.staged.size === 0) return;
    const covered = queue.granted.size + queue.staged.size;
    let wanted = queue.waiting.length - covered;
    if (wanted > 0) {
      const staging: string[] = [];
      const stage = (slotId: string) => {
        if (wanted === 0 || queue.staged.has(slotId) || queue.granted.has(slotId)) return;
        queue.staged.add(slotId);
        staging.push(slotId);
        wanted--;
      };
      for (const slotId of queue.idle) if (this.isGated(queue.slots.get(slotId)!.ref)) stage(slotId);
      for (const slot of queue.slots.values()) if (slot.occupancy === 'busy' && slot.isAccepting && this.isGated(slot.ref)) stage(slot.ref.slotId);
      if (staging.length && publish) gate.stage(staging);
      // The waiting payloads these slots now stand for start waiting for resources.
      const now = this.clock();
      for (let i = covered; i < covered + staging.length; i++) queue.waiting[i].stagedAt ??= now;
    } else if (wanted < 0) {
      const unstaging = [...queue.staged].slice(wanted);
      for (const slotId of unstaging) queue.staged.delete(slotId);
      if (unstaging.length) gate.unstage(unstaging);
    }
  }

  /** The longest-idle slot; else the slot holding the fewest payloads that still has room. */
  private nextSlot(queue: VersionQueue<C>): InstanceSlot<Payload<C>> | undefined {
    const idle = queue.idle.shift();
    if (idle !== undefined) return queue.slots.get(idle);
    let best: InstanceSlot<Payload<C>> | undefined;
    for (const slot of queue.slots.values()) {
      if (slot.hasRoom && (!best || slot.inFlight.length < best.inFlight.length)) best = slot;
    }
    return best;
  }

  private queueFor(model: string, version: number): VersionQueue<C> {
    const k = key(model, version);
    let queue = this.queues.get(k);
    if (!queue) {
      queue = { model, version, waiting: [], slots: new Map(), idle: [], staged: new Set(), granted: new Set(), gatedSlots: 0 };
      this.queues.set(k, queue);
    }
    return queue;
  }
}

const key = (model: string, version: number) => `${model}\u0000${version}`;

/** On every submit: a loop rather than an array of the slots, so the hot path allocates nothing. */
function hasAcceptingSlot(queue: VersionQueue<unknown>): boolean {
  for (const slot of queue.slots.values()) if (slot.isAccepting) return true;
  return false;
}

/** A slot with nothing in flight that still takes work joins the idle list (once). */
function markIdle<P>(queue: VersionQueue<P>, slot: InstanceSlot<Payload<P>>): void {
  const slotId = slot.ref.slotId;
  if (slot.inFlight.length === 0 && slot.isAccepting && !queue.idle.includes(slotId)) queue.idle.push(slotId);
}

function removeFrom(list: string[], item: string): void {
  const index = list.indexOf(item);
  if (index >= 0) list.splice(index, 1);
}

/** Epoch milliseconds with sub-millisecond precision, so queue times in microseconds mean something. */
function preciseNow(): number {
  return performance.timeOrigin + performance.now();
}
