// The slot's life cycle as an explicit state machine. The owner asks for a transition; one that the
// table does not allow is a bug in the caller, so it throws instead of being quietly ignored.
import type { SlotState } from './slot-spec';

const ALLOWED: Readonly<Record<SlotState, readonly SlotState[]>> = {
  loading: ['idle', 'failed', 'closed'],
  idle: ['busy', 'failed', 'closed'],
  busy: ['idle', 'failed', 'closed'],
  failed: ['closed'],
  closed: [],
};

export class IllegalSlotTransitionError extends Error {
  constructor(
    readonly from: SlotState,
    readonly to: SlotState,
    context: string,
  ) {
    super(`${context}: illegal state transition ${from} → ${to}`);
    this.name = 'IllegalSlotTransitionError';
  }
}

export class SlotStateMachine {
  private current: SlotState = 'loading';

  /** @param context names the slot in error messages */
  constructor(private readonly context: string) {}

  get state(): SlotState {
    return this.current;
  }

  canMoveTo(next: SlotState): boolean {
    return ALLOWED[this.current].includes(next);
  }

  moveTo(next: SlotState): void {
    if (!this.canMoveTo(next)) throw new IllegalSlotTransitionError(this.current, next, this.context);
    this.current = next;
  }
}
