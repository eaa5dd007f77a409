import { FlotillaError, unavailable, type FailureReason, type SchedulerStatus } from '@flotilla/contracts';
import { decideBatch } from './batch-former';
import { InstanceSlot, type SlotRef } from './instance-slot';
import type { Batch, Payload } from './payload';
import { RequestQueue } from './request-queue';
import { DEFAULT_SCHEDULING_POLICY, type SchedulingPolicy } from './scheduling-policy';

/** What the scheduler asks its host to do; the host owns the transport. */
export interface SchedulerEffects<C> {
  /**
   * Send the batch (one request, or a dynamic batch) to the slot as one execution; `now` is the
   * scheduler's clock, for each request's queue time. The slot stays busy until `release(slotId)`.
   */
  dispatch(batch: Batch<C>, slot: SlotRef, now: number, park?: Park): void;
  /**
   * Rate limiting on: the grant for a parked payload arrived (the slot heard it too, and runs it
   * now). Only the request's timing is the host's to close: the payload went out at `dispatch`.
   */
  granted?(batch: Batch<C>, slot: SlotRef, now: number): void;
  /**
   * Answer the payload's requester with an error; the payload is gone from the scheduler.
   * `reason` is Triton's for its statistics: REJECTED for a full queue, a queue timeout or a
   * deadline, OTHER for no instance to run it.
   */
  fail(payload: Payload<C>, error: FlotillaError, reason: FailureReason): void;
  /**
   * Call `expire()` no later than `time` (epoch ms): a queue timeout or a batch's delay ends then.
   * Deadlines of submitted payloads are the host's to watch already.
   */
  wakeAt?(time: number): void;
}

/**
 * A payload sent to a slot that needs resources ahead of its grant: the slot holds it until the
 * rate limiter's grant reaches it (the grant goes to the slot as well as to the scheduler), or
 * gives it up unrun at `until` and says so in its release. `token` tells that grant and that
 * release from any other: it is unique to this one parking.
 */
export interface Park {
  readonly token: string;
  /** Epoch ms: the payload's deadline; a slot still without a grant then answers it with a timeout. */
  readonly until: number;
}

/**
 * With rate limiting on, where the scheduler asks for grants (the rate limiter's side of the
 * conversation; the host sends these). Without one, the scheduler decides alone.
 */
export interface GrantGate {
  /**
   * These slots have work waiting: each wants one grant. `parked` are slots whose payload is
   * already at the slot (`Park`), so their grant must reach the slot too, with the token.
   */
  stage(slotIds: readonly string[], parked?: readonly ParkedSlot[]): void;
  /** These staged slots no longer have work (requests expired or failed before a grant came). */
  unstage(slotIds: readonly string[]): void;
  /** A grant arrived with no work left for it (or for a slot that is gone): hand it back unused. */
  giveBack(slotId: string): void;
  /**
   * A parked payload never came back (no release long after its deadline): whether its slot is
   * still staged or was granted, what it holds for that parking goes back.
   */
  abandonPark(slotId: string, token: string): void;
}

/** A slot staged for a payload parked at it. */
export interface ParkedSlot {
  readonly slot: SlotRef;
  readonly token: string;
}

interface VersionQueue<C> {
  readonly model: string;
  readonly version: number;
  policy: SchedulingPolicy;
  waiting: RequestQueue<C>;
  /** When a forming batch may stop waiting for more requests (its delay ends); absent when none waits. */
  batchWaitUntil?: number;
  readonly slots: Map<string, InstanceSlot<Batch<C>>>;
  /** Idle slot ids, longest-idle first: work spreads over every slot instead of piling on one. */
  readonly idle: string[];
  /**
   * With a gate: slots that asked for a grant, one per batch the waiting payloads would make. An idle
   * slot is staged first; a busy one is staged ahead (the rate limiter restages it the moment it
   * releases, as Triton's instance does, so it keeps its turn by priority).
   */
  readonly staged: Set<string>;
  /** With a gate: busy slots granted ahead of their release; each runs a payload when it releases. */
  readonly granted: Set<string>;
  /**
   * With a gate: slots holding a payload parked ahead of its grant (staged for it, and not in
   * `staged`, which holds stages whose work still waits here), its token in `parkTokens`. The
   * payload is the slot's last in flight.
   */
  readonly parked: Map<string, Batch<C>>;
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
  /**
   * With a gate: send a lone request to its gated slot ahead of the grant (`Park`), so that the
   * grant starts it without another hop through this scheduler (default true). Off, a gated slot
   * gets its payload only after its grant came here.
   */
  readonly parking?: boolean;
}

/**
 * Triton's schedulers for every model version: the default scheduler (triton-spec §3.1: each
 * request executed on its own) and, for a model with `dynamic_batching`, the dynamic batcher
 * (§3.3–3.5: batches formed by `decideBatch`, priority levels and queue policies kept by
 * `RequestQueue`). A batch is formed when a slot can take it: an idle slot — or, when every slot
 * is busy, the slot with the fewest batches while it has room (prefetch; with dynamic batching
 * only a batch that cannot grow any more is prefetched, so that batches keep growing while every
 * instance is busy). With rate limiting off this is the whole decision — no round trip to the
 * rate limiter on the request path.
 *
 * `preserve_ordering`: responses leave in arrival order because the version runs one batch at a
 * time (executors answer requesters directly, so batches running side by side could finish out
 * of order). It costs that version its concurrency, which the docs say.
 *
 * With a gate (rate limiting on), only slots that need resources ask for grants. A slot whose
 * group declares no resources is scheduled as without a gate, prefetch included (prefetch only in
 * versions where no slot needs resources, so work is never bound to a free slot ahead of a gated
 * one that could run it now): the rate limiter would grant it the moment it was staged, whatever
 * else waits — it takes nothing from any pool, so it can be neither blocked nor a reason to hold
 * anyone back — and asking would only add a round trip. Its releases do not even reach the rate
 * limiter (their executors report its executions in beats). While the rate limiter is away, such slots keep
 * serving and gated ones wait, with their deadlines, for it to come back.
 *
 * Ownership: a payload belongs to exactly one place at a time — a queue, a busy slot, or (after
 * `dispatch`/`fail`) the host. Nothing is dropped silently: a removed slot fails its payloads, a
 * version left without slots fails its queue, an expired deadline or queue timeout fails the
 * waiting payload, a full queue refuses it at once.
 */
export class DefaultScheduler<C> {
  private readonly queues = new Map<string, VersionQueue<C>>();
  private readonly slotIndex = new Map<string, VersionQueue<C>>();
  /** Per model: how its versions queue and batch (absent: the default scheduler's). */
  private readonly policies = new Map<string, SchedulingPolicy>();

  private readonly slotDepth: number;
  private readonly gate: GrantGate | undefined;
  private readonly parking: boolean;
  /** Makes parking tokens unique across schedulers (random) and within this one (the count). */
  private readonly parkPrefix = Math.random().toString(36).slice(2, 8);
  private parkings = 0;
  /** Every parked batch's token, granted or not, until it leaves its slot (and is forgotten with it). */
  private readonly parkTokens = new WeakMap<Batch<C>, string>();
  /** The rate limiter cannot be reached (only news is reported; gated work waits meanwhile). */
  private rateLimiterAway = false;

  constructor(
    private readonly effects: SchedulerEffects<C>,
    private readonly clock: () => number = preciseNow,
    options: SchedulerOptions = {},
  ) {
    this.gate = options.gate;
    this.slotDepth = options.slotDepth ?? 2;
    this.parking = options.parking ?? true;
  }

  /**
   * How a model's versions queue and batch, from its config (`schedulingPolicyOf`). Requests
   * already waiting move to the new queue in their order; any the new bounds refuse fail.
   */
  setPolicy(model: string, policy: SchedulingPolicy): void {
    if (this.policies.get(model) === policy) return;
    this.policies.set(model, policy);
    for (const queue of this.queues.values()) {
      if (queue.model !== model) continue;
      const waiting = queue.waiting.drain();
      queue.policy = policy;
      queue.waiting = new RequestQueue<C>(policy);
      for (const payload of waiting) this.enqueue(queue, payload);
      this.pump(queue);
    }
  }

  /** The model's policy (the default scheduler's until `setPolicy`). */
  policyOf(model: string): SchedulingPolicy {
    return this.policies.get(model) ?? DEFAULT_SCHEDULING_POLICY;
  }

  /** Accepts a payload; it runs now if a slot can take it, else waits its turn. */
  submit(payload: Payload<C>): void {
    const queue = this.queues.get(key(payload.model, payload.version));
    if (!queue || !hasAcceptingSlot(queue)) {
      this.effects.fail(payload, unavailable(`model '${payload.model}' version ${payload.version} has no ready instances`), 'OTHER');
      return;
    }
    if (this.enqueue(queue, payload)) this.pump(queue);
  }

  private enqueue(queue: VersionQueue<C>, payload: Payload<C>): boolean {
    const refused = queue.waiting.enqueue(payload);
    if (refused) {
      this.effects.fail(payload, refused, 'REJECTED');
      return false;
    }
    if (payload.timeoutAt !== undefined) this.effects.wakeAt?.(payload.timeoutAt);
    return true;
  }

  /** A slot became able to execute (its executor announced it ready). */
  addSlot(model: string, version: number, ref: SlotRef): void {
    if (this.slotIndex.has(ref.slotId)) return;
    const queue = this.queueFor(model, version);
    const gated = this.isGated(ref);
    if (gated) queue.gatedSlots++;
    // A gated slot holds what it executes on a grant and, with parking, one payload parked behind it.
    queue.slots.set(ref.slotId, new InstanceSlot(ref, gated ? (this.parking ? 2 : 1) : this.slotDepth));
    queue.idle.push(ref.slotId);
    this.slotIndex.set(ref.slotId, queue);
    this.pump(queue);
  }

  /**
   * The executor finished the slot's oldest `count` payloads (successfully or not: it replied
   * either way). Slots report completions in batches (see the serving thread), so count may be > 1.
   * `unparked`: instead, the slot gave up the payload parked there with that token, unrun — its
   * deadline came before its grant (it answered the requester itself).
   */
  release(slotId: string, count = 1, unparked?: string): void {
    const queue = this.slotIndex.get(slotId);
    const slot = queue?.slots.get(slotId);
    if (!queue || !slot) return; // late release after removal: nothing to do
    if (unparked !== undefined) return this.unpark(queue, slot, unparked);
    for (let i = 0; i < count && slot.occupancy === 'busy'; i++) slot.release();
    // A parked payload can finish before its grant's news arrives here: its slot was handed the
    // resources in process and ran it at once (a short model), while the rate limiter's word on it
    // is still on its way. It ran: its parking ends as on that news, which then finds nothing.
    const parked = queue.parked.get(slotId);
    if (parked && !slot.inFlight.includes(parked)) {
      queue.parked.delete(slotId);
      this.effects.granted?.(parked, slot.ref, this.clock());
    }
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
    // A payload parked there stays staged: a draining slot still runs what it holds, on its grant.
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
    queue.parked.delete(slotId);
    if (this.isGated(slot.ref)) queue.gatedSlots--;
    for (const batch of slot.remove()) {
      for (const payload of batch) this.effects.fail(payload, unavailable(`instance '${slot.ref.instance}' of model '${queue.model}' stopped while executing the request: ${reason}`), 'OTHER');
    }
    this.failWaitingIfNoSlotAccepts(queue, reason);
    if (this.gate) this.stageFor(queue);
  }

  /**
   * This scheduler is stopping: every waiting payload fails now with `reason`, and slots staged
   * for them are unstaged. Payloads already dispatched are their executors' to answer; a release
   * or grant that still arrives finds nothing to run. Returns how many failed.
   */
  failAllWaiting(reason: string): number {
    let failed = 0;
    for (const queue of this.queues.values()) {
      queue.batchWaitUntil = undefined;
      for (const payload of queue.waiting.drain()) {
        this.effects.fail(payload, unavailable(reason), 'OTHER');
        failed++;
      }
      if (this.gate) this.stageFor(queue);
    }
    return failed;
  }

  /**
   * Applies what is due: fails waiting payloads whose deadline or queue timeout has passed (or
   * delays them, per their level's policy), and sends batches whose delay is over. Returns the
   * earliest time something is due next (undefined when nothing waits), so the caller can sleep
   * until exactly then.
   */
  expire(now = this.clock()): number | undefined {
    let next: number | undefined;
    for (const queue of this.queues.values()) {
      const lostCheck = this.releaseLost(queue, now);
      if (lostCheck !== undefined) next = Math.min(next ?? Infinity, lostCheck);
      if (queue.waiting.length === 0) continue;
      const before = queue.waiting.length;
      const due = queue.waiting.expire(now, (payload, error) => this.effects.fail(payload, error, 'REJECTED'));
      if (queue.waiting.length !== before || (queue.batchWaitUntil !== undefined && queue.batchWaitUntil <= now)) this.pump(queue);
      // After a pump the deadlines of what left may still be in `due`: at worst an early, idle wake-up.
      if (queue.waiting.length === 0) continue;
      for (const time of [due, queue.batchWaitUntil]) if (time !== undefined) next = Math.min(next ?? Infinity, time);
    }
    return next;
  }

  /**
   * The rate limiter granted the slot: it runs the version's oldest waiting payload now. A grant
   * with nothing left to run (requests expired meanwhile, or the slot is gone or draining) goes
   * back unused.
   *
   * `parked`: the grant is for the payload parked at the slot with that token, which the slot
   * heard too and runs now; nothing is sent. A parked grant whose payload the slot already gave up
   * (its release said so first) is stale: the rate limiter took that release as the grant's end.
   */
  grant(slotId: string, parked?: string): void {
    const gate = this.gate;
    if (!gate) throw new Error(`slot ${slotId}: a grant, but this scheduler does not rate-limit`);
    const queue = this.slotIndex.get(slotId);
    const slot = queue?.slots.get(slotId);
    if (parked !== undefined) return this.grantParked(queue, slot, parked);
    if (!queue || !slot) return gate.giveBack(slotId);
    queue.staged.delete(slotId);
    // Staged ahead and granted before this scheduler heard its release: it runs on release.
    if (slot.occupancy === 'busy' && slot.isAccepting) {
      queue.granted.add(slotId);
      return;
    }
    this.useGrant(queue, slot);
  }

  private grantParked(queue: VersionQueue<C> | undefined, slot: InstanceSlot<Batch<C>> | undefined, token: string): void {
    const parked = slot && queue?.parked.get(slot.ref.slotId);
    if (!queue || !slot || !parked || this.parkTokens.get(parked) !== token) return; // gone, or given up: settled already
    queue.parked.delete(slot.ref.slotId);
    this.effects.granted?.(parked, slot.ref, this.clock());
    this.stageFor(queue); // it may take the next payload parked behind this one
  }

  /**
   * The slot gave up a parked payload unrun (its deadline came first), maybe after its grant had
   * already come here: the slot is free of it.
   */
  private unpark(queue: VersionQueue<C>, slot: InstanceSlot<Batch<C>>, token: string): void {
    const batch = slot.inFlight.find((held) => this.parkTokens.get(held) === token);
    if (!batch) return; // a parking from before an outage: nothing of it is left here
    if (queue.parked.get(slot.ref.slotId) === batch) queue.parked.delete(slot.ref.slotId);
    slot.withdraw(batch);
    markIdle(queue, slot);
    this.pump(queue);
  }

  /** A granted slot runs a batch of what waits now (a forming batch stops growing: it holds resources). */
  private useGrant(queue: VersionQueue<C>, slot: InstanceSlot<Batch<C>>): void {
    const slotId = slot.ref.slotId;
    const decision = decideBatch(queue.waiting, queue.policy, this.clock(), true);
    if (!slot.hasRoom || decision.kind !== 'run') {
      this.gate!.giveBack(slotId);
      markIdle(queue, slot);
      return this.stageFor(queue);
    }
    removeFrom(queue.idle, slotId);
    this.run(queue, slot, decision.count);
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
   * carries them, so no stage message goes out as well. Slots with a parked payload are staged
   * for it (`parked`); one whose only payload is parked executes nothing yet.
   */
  rateLimiterRestarted(): { executing: string[]; staged: string[]; parked: ParkedSlot[] } {
    this.rateLimiterAway = false;
    const executing: string[] = [];
    const staged: string[] = [];
    const parked: ParkedSlot[] = [];
    for (const queue of this.queues.values()) {
      for (const slotId of queue.granted) queue.staged.add(slotId);
      queue.granted.clear();
      for (const slot of queue.slots.values()) if (this.executesOnGrant(queue, slot)) executing.push(slot.ref.slotId);
      this.stageFor(queue, false);
      staged.push(...queue.staged);
      for (const [slotId, batch] of queue.parked) parked.push({ slot: queue.slots.get(slotId)!.ref, token: this.parkTokens.get(batch)! });
    }
    return { executing, staged, parked };
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
    queue.batchWaitUntil = undefined;
    for (const payload of queue.waiting.drain()) {
      this.effects.fail(payload, unavailable(`model '${queue.model}' version ${queue.version} has no ready instances left: ${reason}`), 'OTHER');
    }
  }

  private pump(queue: VersionQueue<C>): void {
    queue.batchWaitUntil = undefined;
    if (this.gate && queue.gatedSlots > 0) {
      this.runOnFreeSlots(queue);
      return this.stageFor(queue);
    }
    while (queue.waiting.length > 0 && !this.ordered(queue)) {
      const idle = queue.idle[0];
      const batchable = this.decide(queue);
      if (batchable === undefined) return;
      if (idle !== undefined) {
        queue.idle.shift();
        this.run(queue, queue.slots.get(idle)!, batchable.count);
        continue;
      }
      // Every slot is busy: prefetch, but only a batch that cannot grow any more.
      const slot = batchable.full && mayPrefetch(queue, batchable.count) ? this.roomiestSlot(queue) : undefined;
      if (!slot) return;
      this.run(queue, slot, batchable.count);
    }
  }

  /** The batch to run now, if any; a batch still waiting out its delay sets the wake-up. */
  private decide(queue: VersionQueue<C>): { count: number; full: boolean } | undefined {
    const now = this.clock();
    const decision = decideBatch(queue.waiting, queue.policy, now);
    if (decision.kind === 'wait') {
      queue.batchWaitUntil = decision.until;
      this.effects.wakeAt?.(decision.until);
      return undefined;
    }
    return decision.kind === 'run' ? decision : undefined;
  }

  /** `preserve_ordering` holds the next batch until the one running has finished. */
  private ordered(queue: VersionQueue<C>): boolean {
    if (!queue.policy.dynamicBatching?.preserveOrdering) return false;
    if (queue.granted.size > 0) return true;
    for (const slot of queue.slots.values()) if (slot.occupancy === 'busy') return true;
    return false;
  }

  private run(queue: VersionQueue<C>, slot: InstanceSlot<Batch<C>>, count: number): void {
    const batch = queue.waiting.take(count);
    slot.assign(batch);
    this.effects.dispatch(batch, slot.ref, this.clock());
    this.effects.wakeAt?.(lostAt(batch));
  }

  /**
   * A slot answers every payload it receives, expired or not, and releases it; a batch with no
   * release long after its deadline never reached the slot (sent while the slot's thread was off
   * the bus, say) or its release was lost. Holding the slot busy for it would stop the version for
   * good, so the slot lets it go — and hands its grant back, with rate limiting. Returns when to
   * look again, if any batch is still in flight.
   */
  private releaseLost(queue: VersionQueue<C>, now: number): number | undefined {
    let next: number | undefined;
    for (const slot of queue.slots.values()) {
      let released = false;
      while (slot.occupancy === 'busy' && lostAt(slot.inFlight[0]) <= now) {
        const batch = slot.release();
        released = true;
        if (queue.parked.get(slot.ref.slotId) === batch) {
          queue.parked.delete(slot.ref.slotId);
          this.gate!.abandonPark(slot.ref.slotId, this.parkTokens.get(batch)!);
        } else if (this.isGated(slot.ref)) this.gate!.giveBack(slot.ref.slotId);
      }
      if (slot.occupancy === 'busy') next = Math.min(next ?? Infinity, lostAt(slot.inFlight[0]));
      if (released) {
        markIdle(queue, slot);
        this.pump(queue);
      }
    }
    return next;
  }

  /**
   * A version with gated slots: its idle slots that need no resources take waiting payloads
   * directly, leaving one for each slot granted ahead of its release.
   */
  private runOnFreeSlots(queue: VersionQueue<C>): void {
    if (queue.gatedSlots === queue.slots.size) return;
    for (let i = 0; i < queue.idle.length && queue.waiting.length > queue.granted.size && !this.ordered(queue); ) {
      const slot = queue.slots.get(queue.idle[i]);
      if (!slot || this.isGated(slot.ref)) {
        i++;
        continue;
      }
      const batchable = this.decide(queue);
      if (batchable === undefined) return;
      queue.idle.splice(i, 1);
      this.run(queue, slot, batchable.count);
    }
  }

  /** Whether the slot runs only on grants: rate limiting is on and its group may need resources. */
  private isGated(ref: SlotRef): boolean {
    return this.gate !== undefined && ref.needsResources !== false;
  }

  /**
   * With a gate: one staged gated slot per batch the waiting payloads would make (one per payload
   * without dynamic batching; none while a forming batch waits out its delay), less those
   * granted ahead; idle slots first (longest-idle first), then busy ones ahead of their release;
   * slots staged beyond what waits are unstaged. `publish: false` stages without telling the rate
   * limiter, for a caller that reports the staged slots itself.
   */
  private stageFor(queue: VersionQueue<C>, publish = true): void {
    const gate = this.gate!;
    if (queue.gatedSlots === 0 && queue.staged.size === 0) return;
    const covered = queue.granted.size + queue.staged.size;
    let wanted = this.batchesWanted(queue) - covered;
    if (wanted > 0) {
      const staging: string[] = [];
      const parking: ParkedSlot[] = [];
      const parks = this.parking && !queue.policy.dynamicBatching;
      const candidates = [...queue.idle.map((slotId) => queue.slots.get(slotId)!), ...[...queue.slots.values()].filter((slot) => slot.occupancy === 'busy' && slot.isAccepting)];
      for (const slot of candidates) {
        const slotId = slot.ref.slotId;
        if (wanted === 0) break;
        if (!this.isGated(slot.ref) || queue.staged.has(slotId) || queue.granted.has(slotId) || queue.parked.has(slotId)) continue;
        // Parking: one payload parked per slot, behind at most the one it executes.
        if (parks && slot.inFlight.length > 1) continue;
        if (parks && mayPrefetch(queue, 1)) parking.push(this.park(queue, slot));
        else {
          queue.staged.add(slotId);
          staging.push(slotId);
        }
        wanted--;
      }
      if ((staging.length || parking.length) && publish) gate.stage(staging, parking);
      // The waiting payloads these slots now stand for start waiting for resources.
      this.stampStaged(queue, covered + staging.length);
    } else if (wanted < 0) {
      const unstaging = [...queue.staged].slice(wanted);
      for (const slotId of unstaging) queue.staged.delete(slotId);
      if (unstaging.length) gate.unstage(unstaging);
    }
  }

  /**
   * Sends the oldest waiting payload to the slot to wait there for its grant; the slot is staged
   * for it. Only a lone request is parked (a batch that could still grow is formed at its grant,
   * so without dynamic batching), under the rules prefetch keeps (`mayPrefetch`).
   */
  private park(queue: VersionQueue<C>, slot: InstanceSlot<Batch<C>>): ParkedSlot {
    const now = this.clock();
    const batch = queue.waiting.take(1);
    const token = `${this.parkPrefix}.${(this.parkings++).toString(36)}`;
    removeFrom(queue.idle, slot.ref.slotId);
    slot.assign(batch);
    queue.parked.set(slot.ref.slotId, batch);
    this.parkTokens.set(batch, token);
    batch[0].stagedAt ??= now;
    this.effects.dispatch(batch, slot.ref, now, { token, until: batch[0].deadline });
    this.effects.wakeAt?.(lostAt(batch));
    return { slot: slot.ref, token };
  }

  /** Rate limiting on: the slot executes a payload on a grant now (what is parked there has none yet). */
  private executesOnGrant(queue: VersionQueue<C>, slot: InstanceSlot<Batch<C>>): boolean {
    return this.isGated(slot.ref) && slot.inFlight.length > (queue.parked.has(slot.ref.slotId) ? 1 : 0);
  }

  /** How many grants the waiting payloads want: one per execution they would make. */
  private batchesWanted(queue: VersionQueue<C>): number {
    const waiting = queue.waiting.length;
    if (waiting === 0) return 0;
    const batching = queue.policy.dynamicBatching;
    if (!batching) return waiting;
    if (this.decide(queue) === undefined) return 0;
    if (batching.preserveOrdering) return 1;
    let total = 0;
    for (const payload of queue.waiting) total += payload.batchSize ?? 1;
    return Math.min(waiting, Math.ceil(total / Math.max(1, queue.policy.maxBatchSize)));
  }

  /** With a gate: the first `executions` batches' worth of waiting payloads wait for resources from now. */
  private stampStaged(queue: VersionQueue<C>, executions: number): void {
    const now = this.clock();
    let left = queue.policy.dynamicBatching ? Infinity : executions;
    for (const payload of queue.waiting) {
      if (left-- <= 0) return;
      payload.stagedAt ??= now;
    }
  }

  /** The busy slot holding the fewest batches that still has room (prefetch), if any. */
  private roomiestSlot(queue: VersionQueue<C>): InstanceSlot<Batch<C>> | undefined {
    let best: InstanceSlot<Batch<C>> | undefined;
    for (const slot of queue.slots.values()) {
      if (slot.hasRoom && (!best || slot.inFlight.length < best.inFlight.length)) best = slot;
    }
    return best;
  }

  private queueFor(model: string, version: number): VersionQueue<C> {
    const k = key(model, version);
    let queue = this.queues.get(k);
    if (!queue) {
      const policy = this.policies.get(model) ?? DEFAULT_SCHEDULING_POLICY;
      queue = { model, version, policy, waiting: new RequestQueue<C>(policy), slots: new Map(), idle: [], staged: new Set(), granted: new Set(), parked: new Map(), gatedSlots: 0 };
      this.queues.set(k, queue);
    }
    return queue;
  }
}

/**
 * How long after its last deadline a dispatched batch without a release is taken for lost. Long:
 * an execution that outlives its deadline still runs to its end (it cannot be stopped), and
 * freeing its slot or its resources early would let another run beside it.
 */
export const LOST_AFTER_DEADLINE_MS = 30_000;

function lostAt(batch: Batch<unknown>): number {
  let deadline = 0;
  for (const payload of batch) deadline = Math.max(deadline, payload.deadline);
  return deadline + LOST_AFTER_DEADLINE_MS;
}

const key = (model: string, version: number) => `${model}\u0000${version}`;

/** On every submit: a loop rather than an array of the slots, so the hot path allocates nothing. */
function hasAcceptingSlot(queue: VersionQueue<unknown>): boolean {
  for (const slot of queue.slots.values()) if (slot.isAccepting) return true;
  return false;
}

/**
 * Whether the next `count` payloads may wait at a busy slot's executor instead of in the queue. As
 * in Triton, not with priority levels or bounded queues (a prefetched request would keep its place
 * ahead of a later, more urgent one, and leave room in a queue that is meant to be full), nor for
 * a request with a queue timeout (it would no longer time out while it waits), nor with
 * `preserve_ordering`.
 */
function mayPrefetch(queue: VersionQueue<unknown>, count: number): boolean {
  const policy = queue.policy;
  if (policy.dynamicBatching?.preserveOrdering || policy.priorityLevels > 0 || policy.queuePolicies.some((level) => level.maxQueueSize > 0)) return false;
  for (const payload of queue.waiting) {
    if (count-- <= 0) return true;
    if (payload.timeoutAt !== undefined) return false;
  }
  return true;
}

/** A slot with nothing in flight that still takes work joins the idle list (once). */
function markIdle<P>(queue: VersionQueue<P>, slot: InstanceSlot<Batch<P>>): void {
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
