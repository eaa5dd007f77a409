import type { DeviceName } from '@flotilla/contracts';

/**
 * One instance as the rate limiter sees it (Triton's instance context, triton-spec §2.4):
 *
 *   idle ──stage──▶ staged ──allocate──▶ allocated ──release (executions + 1)──▶ idle
 *     ▲               │
 *     └───unstage─────┘
 *   any state except removed ──remove──▶ removed
 *
 * `staged` means "has work and waits for a grant"; `allocated` means "holds its resources and
 * executes". An instance executes one payload at a time, so it cannot be staged again until it
 * is released; the caller restages it then if more work waits. Any other transition is a bug in
 * the caller and throws, naming the instance and its state.
 *
 * An instance that needs no resources never waits for a grant (the scheduler runs it directly):
 * it stays idle here.
 */
export type InstanceState = 'idle' | 'staged' | 'allocated' | 'removed';

export class InstanceContext {
  private current: InstanceState = 'idle';
  private executionCount = 0;
  private stagedSince = 0;
  /**
   * Backfill grants that took a resource this instance needs while it waited at the head of the
   * staged order (see `RateLimiter`); back to 0 when it is granted.
   */
  overtakes = 0;
  /** Executions it started on resources handed over in process by the instance before it (`RateLimiter.takeHandOver`). */
  handOvers = 0;

  constructor(
    readonly id: string,
    readonly model: string,
    readonly version: number,
    readonly device: DeviceName,
    /** ≥ 1: Triton reads priority 0 as 1. */
    readonly priority: number,
    /** Registration order, the tie-break between equal `scaledPriority`s. */
    readonly sequence: number,
    /** False when its group needs nothing from any pool (see `needsResources`). */
    readonly needsResources = true,
  ) {}

  get state(): InstanceState {
    return this.current;
  }

  get executions(): number {
    return this.executionCount;
  }

  /** Clock reading when it was last staged; meaningful while staged. */
  get stagedAt(): number {
    return this.stagedSince;
  }

  /** Triton's `execCount × max(priority, 1)`: the lower, the sooner it is granted. */
  get scaledPriority(): number {
    return this.executionCount * this.priority;
  }

  /** `scaledPriority` once the execution it runs now is counted: its key if staged again after it. */
  get scaledPriorityAfterRelease(): number {
    return (this.executionCount + 1) * this.priority;
  }

  stage(now: number): void {
    this.move('idle', 'staged', 'stage');
    this.stagedSince = now;
  }

  unstage(): void {
    this.move('staged', 'idle', 'unstage');
  }

  allocate(): void {
    this.move('staged', 'allocated', 'allocate');
    this.overtakes = 0;
  }

  /** Its execution finished: one more execution counted. */
  release(): void {
    this.move('allocated', 'idle', 'release');
    this.executionCount++;
  }

  /** It is already executing with its resources (adopted after a restart): allocated without a grant. */
  adopt(): void {
    this.move('idle', 'allocated', 'adopt');
    this.overtakes = 0;
  }

  /** Its grant came back unused (the work it was for went elsewhere): no execution counted. */
  giveBack(): void {
    this.move('allocated', 'idle', 'give back');
  }

  /** Returns the state it was removed from, so the caller knows whether it held resources or was staged. */
  remove(): InstanceState {
    const from = this.current;
    if (from === 'removed') throw new Error(`instance ${this.id}: cannot remove while removed`);
    this.current = 'removed';
    return from;
  }

  private move(from: InstanceState, to: InstanceState, action: string): void {
    if (this.current !== from) throw new Error(`instance ${this.id}: cannot ${action} while ${this.current}`);
    this.current = to;
  }
}
