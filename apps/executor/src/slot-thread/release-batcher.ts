/**
 * Decides when a slot tells the scheduler that it finished payloads — credit-based flow control,
 * like TCP's delayed acknowledgement. Each release wakes the scheduler and crosses nats-server,
 * about half a millisecond of CPU on a small machine, so a busy slot reports finished payloads in
 * batches: it holds a release while it still has payloads to run and fewer than `batch`
 * unreported, and reports at once when it runs out of work, so it never idles on a held release.
 *
 * Why that is safe: the scheduler sends a slot at most depth = 1 + prefetch payloads it has not
 * heard are finished. While a release is held, the slot has `pending ≥ 1` payloads and
 * `unreported ≤ batch − 1` held back, so with batch ≤ prefetch the scheduler is blocked by the
 * held ones only when the slot still has one queued behind the one it runs. With a smaller
 * prefetch the slot may wait one round trip for work now and then; nothing is ever lost.
 */
export class ReleaseBatcher {
  private pending = 0;
  private unreported = 0;

  constructor(private readonly batch: number) {
    if (!Number.isInteger(batch) || batch < 1) throw new RangeError(`release batch must be a positive integer, got ${batch}`);
  }

  /** A payload arrived at the slot. */
  received(): void {
    this.pending++;
  }

  /** A payload was answered; returns how many finished payloads to release now (0: hold on). */
  finished(): number {
    this.pending--;
    this.unreported++;
    if (this.pending > 0 && this.unreported < this.batch) return 0;
    const count = this.unreported;
    this.unreported = 0;
    return count;
  }
}
