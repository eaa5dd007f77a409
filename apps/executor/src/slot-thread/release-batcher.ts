/** Finished payloads to report in one message, on the subject of the scheduler that sent them. */
export interface Release {
  readonly subject: string;
  readonly count: number;
}

const NONE: readonly Release[] = Object.freeze([]);

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
 *
 * Each payload is released to the scheduler that sent it (its release subject). With several
 * schedulers a slot sees two of them only while a model changes owner; a finished payload of
 * another scheduler than the held ones reports those at once, so no release is ever held for a
 * scheduler that sends nothing more.
 */
export class ReleaseBatcher {
  private pending = 0;
  private unreported = 0;
  private heldFor = '';

  constructor(private readonly batch: number) {
    if (!Number.isInteger(batch) || batch < 1) throw new RangeError(`release batch must be a positive integer, got ${batch}`);
  }

  /** A payload arrived at the slot. */
  received(): void {
    this.pending++;
  }

  /** A payload sent by the scheduler releasing on `subject` was answered: the releases to publish now (none: hold on). */
  finished(subject: string): readonly Release[] {
    this.pending--;
    let releases: Release[] | undefined;
    if (this.unreported > 0 && this.heldFor !== subject) {
      releases = [{ subject: this.heldFor, count: this.unreported }];
      this.unreported = 0;
    }
    this.heldFor = subject;
    this.unreported++;
    if (this.pending > 0 && this.unreported < this.batch) return releases ?? NONE;
    (releases ??= []).push({ subject, count: this.unreported });
    this.unreported = 0;
    return releases;
  }
}
