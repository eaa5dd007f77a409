import type { DeviceName } from '@flotilla/contracts';

/** Where a payload can run: one instance slot on one executor. */
export interface SlotRef {
  readonly slotId: string;
  /** The NATS subject its payloads go to (the slot's thread listens there). */
  readonly subject: string;
  readonly executorId: string;
  readonly instance: string;
  readonly device: DeviceName;
  /** The host its executor runs on, for status (`GET /v2/flotilla/slots`). */
  readonly host: string;
  readonly simulated: boolean;
  /**
   * False when its group's `rate_limiter` names no resources: while the rate limiter is away such
   * a slot runs without a grant. Absent means it may need some (the safe reading).
   */
  readonly needsResources?: boolean;
}

/**
 * The scheduler's view of one instance slot: its occupancy. This is deliberately not the slot's
 * lifecycle (`SlotState` in the contracts: loading → ready → draining | failed, which its executor
 * announces): the scheduler holds only slots that are ready or draining, and tracks how many
 * payloads each holds.
 *
 *   idle ──assign──▶ busy ──assign (up to depth)──▶ busy ──release (last)──▶ idle
 *     └──────────────────────── remove ─────────────────────────▶ removed   (from any state)
 *
 * A slot may hold up to `depth` payloads: it executes one and has the next ones already at its
 * executor (Triton's prefetch, which lets up to two payloads per instance wait ahead of it). The
 * executor runs them one at a time, in order, so an instance never executes two at once; what
 * prefetch removes is the round trip from "done" to "here is the next one", which otherwise
 * leaves a fast model's instance idle most of the time.
 *
 * The slot remembers its payloads, so that when its executor dies they fail at once instead of
 * waiting out their deadlines. Releases arrive in the order payloads were assigned.
 *
 * Independently of that state, `drain()` (its executor is stopping) stops it taking new payloads;
 * the ones it holds still run and are released.
 */
export type SlotOccupancy = 'idle' | 'busy' | 'removed';

export class InstanceSlot<P> {
  private removed = false;
  private accepting = true;
  private readonly payloads: P[] = [];

  constructor(
    readonly ref: SlotRef,
    readonly depth = 1,
  ) {
    if (!Number.isInteger(depth) || depth < 1) throw new Error(`slot ${ref.slotId}: depth must be a positive integer, got ${depth}`);
  }

  get occupancy(): SlotOccupancy {
    if (this.removed) return 'removed';
    return this.payloads.length === 0 ? 'idle' : 'busy';
  }

  /** Payloads assigned and not yet released, oldest (executing) first. */
  get inFlight(): readonly P[] {
    return this.payloads;
  }

  get hasRoom(): boolean {
    return this.isAccepting && this.payloads.length < this.depth;
  }

  /** Whether it takes new payloads: false once draining (it still finishes those it holds). */
  get isAccepting(): boolean {
    return !this.removed && this.accepting;
  }

  /** Takes no new payloads from now on; the ones it holds still run and are released. */
  drain(): void {
    this.accepting = false;
  }

  assign(payload: P): void {
    if (!this.hasRoom) throw new Error(`slot ${this.ref.slotId}: cannot assign while ${this.occupancy} with ${this.payloads.length} of ${this.depth} payloads`);
    this.payloads.push(payload);
  }

  /** The oldest payload finished; returns it. */
  release(): P {
    if (this.occupancy !== 'busy') throw new Error(`slot ${this.ref.slotId}: cannot release while ${this.occupancy}`);
    return this.payloads.shift() as P;
  }

  /**
   * One payload leaves without having run, wherever it stands (a parked payload its slot gave up:
   * it was never executing, so it need not be the oldest).
   */
  withdraw(payload: P): void {
    const index = this.payloads.indexOf(payload);
    if (index < 0) throw new Error(`slot ${this.ref.slotId}: cannot withdraw a payload it does not hold`);
    this.payloads.splice(index, 1);
  }

  /** Removes the slot; returns the payloads it held, if any. */
  remove(): P[] {
    this.removed = true;
    return this.payloads.splice(0);
  }
}
