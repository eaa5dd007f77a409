/**
 * Sends "something changed" at most once per interval, and always once more after the last
 * change (trailing), so the receiver ends up with the final state without hearing of every
 * change. Each send wakes the executor's main thread, so a slot running hundreds of payloads a
 * second reports a few times a second instead.
 */
export class ThrottledReport {
  private lastSentAt = -Infinity;
  private pending: NodeJS.Timeout | undefined;

  constructor(
    private readonly intervalMs: number,
    private readonly send: () => void,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  changed(): void {
    if (this.pending) return; // a send is already scheduled; it will carry this change too
    const wait = this.lastSentAt + this.intervalMs - this.clock();
    if (wait <= 0) this.sendNow();
    else this.pending = setTimeout(() => this.sendNow(), wait);
  }

  /** Sends at once if a change is waiting (before the thread ends). */
  flush(): void {
    if (this.pending) this.sendNow();
  }

  private sendNow(): void {
    clearTimeout(this.pending);
    this.pending = undefined;
    this.lastSentAt = this.clock();
    this.send();
  }
}
