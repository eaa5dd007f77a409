import type { DeviceName } from '@flotilla/contracts';

/** Where a payload can run: one instance slot on one executor. */
export interface SlotRef {
  readonly slotId: string;
  readonly executorId: string;
  readonly instance: string;
  readonly device: DeviceName;
  readonly simulated: boolean;
}

/**
 * The scheduler's view of one instance slot:
 *
 *   idle ──assign──▶ busy ──release──▶ idle
 *     └──────────── remove ──────────────▶ removed   (from either state)
 *
 * A busy slot remembers its payload, so that when the slot's executor dies the payload can be
 * failed at once instead of waiting out its deadline.
 */
export type SlotState = 'idle' | 'busy' | 'removed';

export class InstanceSlot<P> {
  private current: SlotState = 'idle';
  private payload: P | undefined;

  constructor(readonly ref: SlotRef) {}

  get state(): SlotState {
    return this.current;
  }

  get inFlight(): P | undefined {
    return this.payload;
  }

  assign(payload: P): void {
    this.expect('idle', 'assign');
    this.current = 'busy';
    this.payload = payload;
  }

  release(): P | undefined {
    this.expect('busy', 'release');
    const payload = this.payload;
    this.current = 'idle';
    this.payload = undefined;
    return payload;
  }

  /** Removes the slot; returns the payload it was running, if any. */
  remove(): P | undefined {
    const payload = this.payload;
    this.current = 'removed';
    this.payload = undefined;
    return payload;
  }

  private expect(state: SlotState, transition: string): void {
    if (this.current !== state) throw new Error(`slot ${this.ref.slotId}: cannot ${transition} while ${this.current}`);
  }
}
