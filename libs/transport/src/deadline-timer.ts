/** setTimeout's largest delay; a longer one would fire at once (Node clamps it to 1 ms). */
const MAX_DELAY_MS = 2 ** 31 - 1;

/**
 * One timer for many deadlines. It fires at the earliest deadline it has been told of, lets the
 * owner expire whatever is due, and re-arms for the next deadline the owner returns.
 *
 * It replaces fixed-period sweeps: on the small VMs Flotilla is measured on, every wake-up of an
 * idle process costs 0.2–0.4 ms of CPU whatever the callback does, so a 50 ms sweep alone burns
 * ~7 ms of CPU a second in each process that has one, and it competes with the model's own threads.
 * With deadlines seconds away, this timer wakes about once per deadline, and not at all when idle.
 */
export class DeadlineTimer {
  private timer: NodeJS.Timeout | undefined;
  private armedFor = Infinity;

  /**
   * @param onDue called at (or just after) the earliest deadline with the current time; it expires
   *   what is due and returns the next deadline still pending, or undefined when none is.
   */
  constructor(
    private readonly onDue: (now: number) => number | undefined,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Makes sure the timer fires no later than `deadline` (in the clock's milliseconds). */
  ensureBy(deadline: number): void {
    if (deadline < this.armedFor) this.arm(deadline);
  }

  /**
   * Arms the timer for exactly `deadline`, later or earlier than before. For an owner whose
   * earliest deadline keeps moving away (a silence deadline pushed back by every heartbeat): moving
   * it while handling the message that pushed it costs no wake-up of its own, whereas letting the
   * old deadline fire would wake the process just to find nothing due.
   */
  resetTo(deadline: number | undefined): void {
    if (deadline === undefined) this.stop();
    else if (deadline !== this.armedFor) this.arm(deadline);
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.armedFor = Infinity;
  }

  private arm(deadline: number): void {
    clearTimeout(this.timer);
    this.armedFor = deadline;
    const delay = Math.min(MAX_DELAY_MS, Math.max(0, deadline - this.clock()));
    // unref: a pending deadline alone must not keep a process alive that is otherwise done.
    this.timer = setTimeout(() => this.fire(), delay).unref();
  }

  private fire(): void {
    this.timer = undefined;
    this.armedFor = Infinity;
    const next = this.onDue(this.clock());
    if (next !== undefined) this.arm(next);
  }
}
