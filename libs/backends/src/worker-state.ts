// A slot's worker thread's life cycle as an explicit state machine. What the thread does between
// `ready` and `closed` is its owner's business (the thread script is the owner's); this only
// knows whether it is loading, able to work, ended on request, or dead. The owner asks for a
// transition; one that the table does not allow is a bug in the caller, so it throws.

/** Not the contracts' SlotState (what an executor announces): the thread's own life, as SlotWorker sees it. */
export type WorkerState = 'loading' | 'ready' | 'closed' | 'failed';

const ALLOWED: Readonly<Record<WorkerState, readonly WorkerState[]>> = {
  loading: ['ready', 'failed', 'closed'],
  ready: ['failed', 'closed'],
  failed: ['closed'],
  closed: [],
};

export class IllegalWorkerTransitionError extends Error {
  constructor(
    readonly from: WorkerState,
    readonly to: WorkerState,
    context: string,
  ) {
    super(`${context}: illegal state transition ${from} → ${to}`);
    this.name = 'IllegalWorkerTransitionError';
  }
}

export class WorkerStateMachine {
  private current: WorkerState = 'loading';

  /** @param context names the slot in error messages */
  constructor(private readonly context: string) {}

  get state(): WorkerState {
    return this.current;
  }

  canMoveTo(next: WorkerState): boolean {
    return ALLOWED[this.current].includes(next);
  }

  moveTo(next: WorkerState): void {
    if (!this.canMoveTo(next)) throw new IllegalWorkerTransitionError(this.current, next, this.context);
    this.current = next;
  }
}
