import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { SUBJECTS, type GiveBackGrant, type Grants, type ParkedStage, type RateLimiterHoldings, type SlotGo, type SlotHandOver, type SlotReleased, type SlotSuccessor, type StageSlots, type UnstageSlots } from '@flotilla/contracts';
import type { RateLimiter } from '@flotilla/rate-limiting';
import { ControlPlaneClient, ControlPlaneListening, InjectBus } from '@flotilla/service-kit';
import { decodeJson, encodeJson, type MessageBus } from '@flotilla/transport';
import { InstanceRegistration, RATE_LIMITER } from './instance-registration';

/** How long a starting rate limiter collects what schedulers hold before it grants anything. */
const SETTLE_MS = 1000;
/** Unparked grant messages remembered for a no-responders answer (which comes within a round trip). */
const SENT_GRANTS_KEPT = 1024;

/**
 * The rate limiter on the request path (with `--rate-limit=execution_count`; with `off` it never
 * subscribes). Schedulers stage slots that have work, the limiter grants them in order of
 * `executions × priority` as their resources allow, and each slot's release — the same message
 * the scheduler hears — gives the resources back and lets the next grants out. Every message is
 * tiny and per request, so this uses the raw client (hot path), not a controller.
 *
 * At start it grants nothing for `SETTLE_MS`: it asks every scheduler what it holds
 * (`rateLimiterStarted`) and adopts the executions they report (their resources stay held until
 * they release) and their staged slots, so a restart loses nothing in flight and allocates
 * nothing twice. Meanwhile rate-limited payloads wait in the schedulers' queues, with their
 * deadlines. A rate limiter whose link to NATS dropped forgets everything and, once back, starts
 * the same way.
 *
 * Slots that need no resources are never staged: the scheduler runs them directly (they could
 * never wait), and their releases go only to the scheduler (`SUBJECTS.slotReleased`): this
 * process hears only the releases of slots that hold resources (`slotReleasedGated`).
 *
 * A slot staged while it still executes (the scheduler has more work for it) is restaged the
 * moment it releases, before the next grants are chosen — as Triton's instance thread does — so
 * it keeps its turn by `executions × priority` instead of losing it to whoever waits. A slot
 * staged before its announcement reached this process waits in `pending` and is staged as soon
 * as it registers; a message about a slot the limiter does not hold (gone, never registered)
 * is ignored, since a gone slot's payloads are failed by the scheduler.
 *
 * Parking: a slot staged for a payload the scheduler already parked at it (`StageSlots.parked`)
 * gets its grant directly, on `SUBJECTS.slotGo`, besides the scheduler's copy — the hand-over from
 * one execution to the next is then the release here and the grant there, two hops instead of
 * three. A slot that gives its parked payload up unrun (deadline first) says so in its release
 * (`unparked`): its stage ends, or, if the grant crossed that release, the grant goes back.
 *
 * Hand-over: a slot executing on a parked grant is told its successor — the grant its release
 * would make first, when that slot's payload is parked in the same executor and needs no more than
 * the executing slot holds (`RateLimiter.successorOf`) — with its grant (`SlotGo.next`) and again
 * whenever the prediction changes (`SlotSuccessor`). Its executor then hands the resources over in
 * process when the execution ends, and the release says so (`handedTo`): the successor holds them
 * from here, and its scheduler hears of it as of a grant. A hand-over to a payload granted otherwise
 * meanwhile, or given up, only returns the finished slot's resources (docs/ARCHITECTURE.md).
 */
@Injectable()
export class GrantLoop implements OnApplicationBootstrap {
  private readonly logger = new Logger('rate-limiter');
  /** Which scheduler staged each slot: its grant goes back there. */
  private readonly stagedBy = new Map<string, string>();
  /** Staged before registered. */
  private readonly pending = new Set<string>();
  /** Staged while executing: staged again at its release. */
  private readonly restage = new Set<string>();
  /** Staged for a parked payload: where and with which token its grant goes to the slot. */
  private readonly parkedAt = new Map<string, ParkedStage>();
  /** Granted for a parked payload: that parking, until the slot releases (or gives the payload up). */
  private readonly grantedParked = new Map<string, ParkedStage>();
  /** The successor each of those slots was last told of (absent: none). */
  private readonly toldSuccessor = new Map<string, SlotHandOver>();
  /**
   * Told in advance to a slot still waiting, whose parked payload (`after`) an executing slot is
   * predicted to hand its resources to: that payload's own successor (`successorAfterHandOver`),
   * so that it knows before it starts — an executing slot's thread hears nothing until its model
   * returns.
   */
  private readonly preTold = new Map<string, { readonly after: string; readonly next?: SlotHandOver }>();
  /** Unparked grants sent lately, by their message's number: given back if NATS says nobody heard them. */
  private readonly sentGrants = new Map<number, { schedulerId: string; slots: string[] }>();
  private grantMessages = 0;
  /** Reported executing before registered: adopted when it registers. */
  private readonly pendingAdoption = new Set<string>();
  private settling = true;
  private settled?: NodeJS.Timeout;
  /** Every scheduler that ever staged or reported here: kept across outages. */
  private readonly schedulers = new Set<string>();
  /** While settling: the known schedulers that have not reported what they hold yet. */
  private unanswered = new Set<string>();

  constructor(
    @InjectBus() private readonly bus: MessageBus,
    @Inject(RATE_LIMITER) private readonly limiter: RateLimiter | undefined,
    private readonly registration: InstanceRegistration,
    private readonly control: ControlPlaneClient,
    private readonly listening: ControlPlaneListening,
  ) {}

  onApplicationBootstrap(): void {
    const limiter = this.limiter;
    if (!limiter) return;
    this.bus.subscribe(SUBJECTS.rateLimiterStage, (message) => this.stage(limiter, decodeJson<StageSlots>(message.data)));
    this.bus.subscribe(SUBJECTS.rateLimiterUnstage, (message) => this.unstage(limiter, decodeJson<UnstageSlots>(message.data)));
    this.bus.subscribe(SUBJECTS.rateLimiterGiveBack, (message) => {
      const { slotId, token } = decodeJson<GiveBackGrant>(message.data);
      if (token !== undefined) this.unpark(limiter, slotId, token);
      else this.settle(limiter, slotId, 'give back');
    });
    // Every scheduler's gated releases (`flotilla.slot.released.gated.<schedulerId>`; bare when a payload named no scheduler).
    for (const subject of [SUBJECTS.slotReleasedGated, SUBJECTS.slotReleasedGatedAny]) {
      this.bus.subscribe(subject, (message) => {
        const { slotId, unparked, handedTo, token } = decodeJson<SlotReleased>(message.data);
        if (unparked !== undefined) return this.unpark(limiter, slotId, unparked);
        // The scheduler that heard this release with us (none on the bare subject).
        const heardBy = message.subject === SUBJECTS.slotReleasedGated ? undefined : message.subject.slice(SUBJECTS.slotReleasedGated.length + 1);
        this.settle(limiter, slotId, 'release', handedTo && { ...handedTo, heardBy }, token);
      });
    }
    // A grant message that reached no scheduler (it died, or left, with slots staged): only NATS'
    // no-responders status arrives here. The resources go back instead of staying allocated
    // until this process restarts. Parked grants reached their slots too, which release them.
    this.bus.subscribe(SUBJECTS.rateLimiterUndelivered('*'), (message) => this.undelivered(limiter, Number(message.subject.slice(message.subject.lastIndexOf('.') + 1))));
    // Its fleet view forgets every instance when the link to NATS drops (they register again as
    // executors announce after the outage), and what this loop kept about them goes too: back on
    // the bus it knows as little as a rate limiter just started, and starts the same way.
    this.bus.link.onChange((state) => {
      if (state === 'down') this.forget();
      else if (state === 'up') void this.start(limiter);
    });
    this.registration.onRegistered((slotIds) => {
      for (const slotId of slotIds) {
        if (this.pendingAdoption.delete(slotId)) limiter.adopt(slotId);
        else if (this.pending.delete(slotId)) limiter.stage(slotId);
      }
      this.grant(limiter);
    });
    void this.listening.subscribed.then(() => this.start(limiter));
  }

  /**
   * Asks the schedulers what they hold, and grants once their answers had time to come — or as
   * soon as every scheduler it knew before answered (after an outage: a round trip, not SETTLE_MS).
   */
  private async start(limiter: RateLimiter): Promise<void> {
    this.settling = true;
    this.unanswered = new Set(this.schedulers);
    clearTimeout(this.settled);
    this.settled = setTimeout(() => this.endSettling(limiter), SETTLE_MS);
    await this.control.emitEvent(SUBJECTS.rateLimiterStarted, {}).catch((error: Error) => this.logger.warn(`could not ask the schedulers what they hold: ${error.message}`));
  }

  private endSettling(limiter: RateLimiter): void {
    clearTimeout(this.settled);
    this.settling = false;
    this.grant(limiter);
  }

  private forget(): void {
    this.settling = true;
    this.stagedBy.clear();
    this.pending.clear();
    this.restage.clear();
    this.pendingAdoption.clear();
    this.parkedAt.clear();
    this.grantedParked.clear();
    this.toldSuccessor.clear();
    this.preTold.clear();
  }

  /** What a scheduler reports holding after this rate limiter started (see the class comment). */
  adopt({ schedulerId, executing, staged, parked }: RateLimiterHoldings): void {
    const limiter = this.limiter;
    if (!limiter) return;
    this.schedulers.add(schedulerId);
    for (const slotId of executing) {
      this.stagedBy.set(slotId, schedulerId);
      this.pending.delete(slotId);
      if (!limiter.has(slotId)) this.pendingAdoption.add(slotId);
      else if (limiter.state(slotId) !== 'allocated') limiter.adopt(slotId);
    }
    this.stage(limiter, { schedulerId, slots: staged, ...(parked ? { parked } : {}) });
    if (this.settling && this.unanswered.delete(schedulerId) && this.unanswered.size === 0) this.endSettling(limiter);
  }

  private stage(limiter: RateLimiter, { schedulerId, slots, parked = [] }: StageSlots): void {
    this.schedulers.add(schedulerId);
    for (const slotId of slots) this.parkedAt.delete(slotId);
    for (const stage of parked) this.parkedAt.set(stage.slotId, stage);
    for (const slotId of [...slots, ...parked.map((stage) => stage.slotId)]) {
      this.stagedBy.set(slotId, schedulerId);
      if (!limiter.has(slotId)) this.pending.add(slotId);
      else if (limiter.state(slotId) === 'idle') limiter.stage(slotId);
      else if (limiter.state(slotId) === 'allocated') this.restage.add(slotId);
      else this.logger.debug(`slot ${slotId} staged while ${limiter.state(slotId)}: ignored`);
    }
    this.grant(limiter);
  }

  private unstage(limiter: RateLimiter, { slots }: UnstageSlots): void {
    for (const slotId of slots) {
      this.pending.delete(slotId);
      this.restage.delete(slotId);
      if (limiter.has(slotId) && limiter.state(slotId) === 'staged') limiter.unstage(slotId);
    }
    this.grant(limiter); // the head may have changed: so may predicted successors
  }

  /**
   * A grant's execution finished (release) or was never used (give back): its resources return —
   * or, `handedTo`, went straight to that slot's parked payload.
   */
  private settle(limiter: RateLimiter, slotId: string, how: 'release' | 'give back', handedTo?: HandOverHeard, token?: string): void {
    const held = limiter.has(slotId) && limiter.state(slotId) === 'allocated';
    if (!held && token !== undefined && this.parkedAt.get(slotId)?.token === token) this.finishedBeforeHandOver(limiter, slotId);
    else if (!held && handedTo === undefined) return;
    if (held) {
      this.endGrant(slotId);
      if (how === 'release') limiter.release(slotId);
      else limiter.giveBack(slotId);
      if (this.restage.delete(slotId) && how === 'release') limiter.stage(slotId);
    }
    if (handedTo) this.handedOver(limiter, handedTo);
    this.grant(limiter);
  }

  /**
   * An execution's resources went straight to `slotId`'s payload parked with `token`, which runs
   * already: it holds them from now (`adopt`: that they fit is why it was named), and the scheduler
   * that parked it hears of it as of a grant — from the release itself when it heard that
   * (`heardBy`), else from here. Only a payload still parked with that token takes them: one that
   * was granted otherwise meanwhile, given up, or finished already left `parkedAt` then (tokens are
   * never reused), and one this process does not know (parked before an outage or a restart) was
   * never in it — the resources stay returned.
   */
  private handedOver(limiter: RateLimiter, { slotId, token, heardBy }: HandOverHeard): void {
    const parked = this.parkedAt.get(slotId);
    if (parked?.token !== token || !limiter.has(slotId) || limiter.state(slotId) === 'allocated') return;
    limiter.takeHandOver(slotId);
    this.parkedAt.delete(slotId);
    this.grantedParked.set(slotId, parked);
    // Its thread knows what it was told in advance; retelling corrects it if that changed.
    const pre = this.preTold.get(slotId);
    this.preTold.delete(slotId);
    if (pre?.after === token && pre.next) this.toldSuccessor.set(slotId, pre.next);
    const schedulerId = this.stagedBy.get(slotId);
    if (schedulerId !== undefined && schedulerId !== heardBy) this.tellScheduler(schedulerId, [], [{ slotId, token }]);
  }

  /**
   * The slot ran its parked payload and finished before the release that handed it the
   * resources arrived (the two travel from different threads, in no set order): the execution is
   * counted now, as adopted and released at once, and its stage ends, so that the late hand-over
   * finds no parked payload to give the resources to — they stay returned.
   */
  private finishedBeforeHandOver(limiter: RateLimiter, slotId: string): void {
    this.parkedAt.delete(slotId);
    this.preTold.delete(slotId);
    this.pending.delete(slotId);
    if (!limiter.has(slotId)) return;
    limiter.takeHandOver(slotId);
    limiter.release(slotId);
  }

  private endGrant(slotId: string): void {
    this.grantedParked.delete(slotId);
    this.toldSuccessor.delete(slotId);
  }

  /**
   * The slot gave up the payload parked with `token` unrun, or its scheduler gave up waiting for
   * it: a grant made for it goes back; a stage for it ends. Anything else is from an older
   * parking (before an outage or a restart) and changes nothing.
   */
  private unpark(limiter: RateLimiter, slotId: string, token: string): void {
    if (this.grantedParked.get(slotId)?.token === token) {
      // The grant crossed the slot's news: it goes back, and a payload parked behind keeps its stage.
      this.endGrant(slotId);
      if (!limiter.has(slotId) || limiter.state(slotId) !== 'allocated') return;
      limiter.giveBack(slotId);
      if (this.restage.delete(slotId)) limiter.stage(slotId);
      return this.grant(limiter);
    }
    if (this.parkedAt.get(slotId)?.token !== token) return;
    this.parkedAt.delete(slotId);
    this.preTold.delete(slotId);
    this.pending.delete(slotId);
    this.restage.delete(slotId);
    if (limiter.has(slotId) && limiter.state(slotId) === 'staged') limiter.unstage(slotId);
    this.grant(limiter);
  }

  /**
   * Makes every grant that fits now, then tells each slot executing on a parked grant whose
   * successor changed. Called after every event that can change either.
   */
  private grant(limiter: RateLimiter): void {
    if (this.settling) return;
    const bySchedulers = new Map<string, { slots: string[]; parked: SlotHandOver[] }>();
    const wentParked: ParkedStage[] = [];
    for (const slotId of limiter.grants()) {
      const schedulerId = this.stagedBy.get(slotId);
      if (schedulerId === undefined) continue;
      let grants = bySchedulers.get(schedulerId);
      if (!grants) bySchedulers.set(schedulerId, (grants = { slots: [], parked: [] }));
      const parked = this.parkedAt.get(slotId);
      if (!parked) {
        grants.slots.push(slotId);
        continue;
      }
      this.parkedAt.delete(slotId);
      this.preTold.delete(slotId); // its grant says what holds now
      this.grantedParked.set(slotId, parked);
      wentParked.push(parked);
      grants.parked.push({ slotId, token: parked.token });
    }
    // The slots first: they are the ones that wait to run. Each hears its successor with its grant,
    // predicted once every grant of this pass is made.
    for (const parked of wentParked) {
      const next = this.successorOf(limiter, parked.slotId);
      if (next) this.toldSuccessor.set(parked.slotId, next);
      this.bus.publish(parked.go, encodeJson({ token: parked.token, ...(next ? { next } : {}) } satisfies SlotGo));
    }
    this.retellSuccessors(limiter);
    for (const [schedulerId, { slots, parked }] of bySchedulers) this.tellScheduler(schedulerId, slots, parked);
  }

  /** Grants to one scheduler; unparked ones are remembered for a no-responders answer. */
  private tellScheduler(schedulerId: string, slots: string[], parked: SlotHandOver[]): void {
    const seq = ++this.grantMessages;
    if (slots.length) this.sentGrants.set(seq, { schedulerId, slots });
    // No-responders comes back within a round trip; older entries were heard.
    if (this.sentGrants.size > SENT_GRANTS_KEPT) this.sentGrants.delete(this.sentGrants.keys().next().value!);
    this.bus.publish(SUBJECTS.rateLimiterGrant(schedulerId), encodeJson({ slots, ...(parked.length ? { parked } : {}) } satisfies Grants), {
      reply: SUBJECTS.rateLimiterUndelivered(seq),
    });
  }

  /**
   * The slot to hand `holder`'s resources to when its execution ends: `RateLimiter.successorOf`,
   * among slots whose payload is parked (they can run at once) in the holder's own executor (the
   * hand-over stays in that process) — or the holder itself, for the payload parked behind it.
   */
  private successorOf(limiter: RateLimiter, holder: string): SlotHandOver | undefined {
    return this.parkedHandOver(limiter.successorOf(holder, this.restage.has(holder), this.handableFrom(holder)));
  }

  /** The successor of `next` (staged: `successorOf` named it) once `holder` handed it its resources: told to `next` in advance. */
  private successorAfterHandOver(limiter: RateLimiter, holder: string, next: string): SlotHandOver | undefined {
    return this.parkedHandOver(limiter.successorAfterHandOver(holder, next, this.restage.has(holder), this.handableFrom(next)));
  }

  /** A hand-over to the payload parked at `slotId` (one `handableFrom` allowed), by its parking token. */
  private parkedHandOver(slotId: string | undefined): SlotHandOver | undefined {
    return slotId === undefined ? undefined : { slotId, token: this.parkedAt.get(slotId)!.token };
  }

  /** Which slots `from` could hand its resources to: its own or its executor's, with a payload parked. */
  private handableFrom(from: string): (id: string) => boolean {
    const executor = this.registration.executorOf(from);
    return (id) => this.parkedAt.has(id) && (id === from || this.registration.executorOf(id) === executor);
  }

  /** Tells each slot executing on a parked grant whose successor is no longer the one it was told of. */
  private retellSuccessors(limiter: RateLimiter): void {
    for (const [holder, parked] of this.grantedParked) {
      // A slot removed while executing (its executor gone) gave its resources back with it.
      if (!limiter.has(holder) || limiter.state(holder) !== 'allocated') {
        this.endGrant(holder);
        continue;
      }
      const next = this.successorOf(limiter, holder);
      const told = this.toldSuccessor.get(holder);
      if (!sameHandOver(next, told)) {
        if (next) this.toldSuccessor.set(holder, next);
        else this.toldSuccessor.delete(holder);
        this.bus.publish(parked.go, encodeJson({ after: parked.token, next: next ?? null } satisfies SlotSuccessor));
      }
      if (next && next.slotId !== holder) this.pretell(limiter, holder, next);
    }
  }

  /** Tells the waiting `next` its own successor, when that changed since it was last told. */
  private pretell(limiter: RateLimiter, holder: string, next: SlotHandOver): void {
    const waiting = this.parkedAt.get(next.slotId)!;
    const after = this.successorAfterHandOver(limiter, holder, next.slotId);
    const told = this.preTold.get(next.slotId);
    if (told?.after === next.token && sameHandOver(after, told.next)) return;
    this.preTold.set(next.slotId, { after: next.token, ...(after ? { next: after } : {}) });
    if (after || told?.after === next.token) this.bus.publish(waiting.go, encodeJson({ after: next.token, next: after ?? null } satisfies SlotSuccessor));
  }

  /** Nobody heard grant message `seq`: what it granted (and is still allocated to that scheduler's stage) goes back. */
  private undelivered(limiter: RateLimiter, seq: number): void {
    const sent = this.sentGrants.get(seq);
    if (!sent) return;
    this.sentGrants.delete(seq);
    const back = sent.slots.filter((slotId) => this.stagedBy.get(slotId) === sent.schedulerId && limiter.has(slotId) && limiter.state(slotId) === 'allocated');
    if (back.length) this.logger.warn(`scheduler ${sent.schedulerId} is gone: ${back.length} grant(s) it never heard go back`);
    for (const slotId of back) this.settle(limiter, slotId, 'give back');
  }
}

/** A hand-over as a release reported it, with the scheduler that heard that release. */
type HandOverHeard = SlotHandOver & { readonly heardBy?: string };

function sameHandOver(a: SlotHandOver | undefined, b: SlotHandOver | undefined): boolean {
  return a?.slotId === b?.slotId && a?.token === b?.token;
}
