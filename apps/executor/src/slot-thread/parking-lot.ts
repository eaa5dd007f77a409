/**
 * The payloads parked at one slot whose group needs rate-limiter resources: each waits for the
 * grant its parking token names, which the rate limiter sends here directly (`SUBJECTS.slotGo`),
 * and goes to the slot's run queue when it comes. A payload whose grant has not come by its
 * deadline is given up: it goes to the run queue to be answered as expired, never run, and its
 * release says so (`SlotReleased.unparked`), so that the rate limiter ends its stage, or takes back
 * a grant that crossed that release.
 *
 * A grant can arrive before its payload when they travel different routes (a NATS cluster): it is
 * remembered, and the payload runs the moment it arrives. A few are kept; one for a payload already
 * given up is never used and is eventually forgotten.
 *
 *   parked ──go──▶ run          parked ──deadline──▶ given up (answered as expired)
 *   (go first) ──park──▶ run
 */
export class ParkingLot<T> {
  private readonly parked = new Map<string, { readonly item: T; readonly timer: NodeJS.Timeout }>();
  private readonly early = new Set<string>();
  private emptied?: () => void;

  constructor(
    private readonly onGo: (item: T) => void,
    private readonly onGiveUp: (item: T, token: string) => void,
    private readonly now: () => number = Date.now,
    private readonly earlyKept = 32,
  ) {}

  /** How many payloads wait for their grant. */
  get size(): number {
    return this.parked.size;
  }

  /** A parked payload arrived: it waits for the grant with `token` until `until` (epoch ms). */
  park(token: string, until: number, item: T): void {
    if (this.early.delete(token)) return this.onGo(item);
    const timer = setTimeout(() => this.leave(token) && this.onGiveUp(item, token), Math.max(0, until - this.now()));
    this.parked.set(token, { item, timer });
  }

  /** The grant for `token` arrived. */
  go(token: string): void {
    const entry = this.parked.get(token);
    if (!entry) return this.rememberEarly(token);
    clearTimeout(entry.timer);
    this.leave(token);
    this.onGo(entry.item);
  }

  /** Resolves once nothing is parked: a closing slot still runs (or gives up) what it holds. */
  whenEmpty(): Promise<void> {
    if (this.parked.size === 0) return Promise.resolve();
    return new Promise((resolve) => (this.emptied = resolve));
  }

  private leave(token: string): boolean {
    if (!this.parked.delete(token)) return false;
    if (this.parked.size === 0) this.emptied?.();
    return true;
  }

  private rememberEarly(token: string): void {
    this.early.add(token);
    if (this.early.size > this.earlyKept) this.early.delete(this.early.values().next().value!);
  }
}
