/**
 * When the launcher restarts a service that died, and when it gives up: exponential backoff from
 * `initialMs` (doubling, at most `maxMs`), and a service that died more than `maxDeaths` times
 * within `windowMs` is given up on — something is wrong that restarting will not fix, and the
 * launcher stops rather than spin. Pure: the caller supplies the clock.
 */
export class RestartPolicy {
  private readonly deaths = new Map<string, number[]>();

  constructor(
    private readonly options = { initialMs: 250, maxMs: 8000, maxDeaths: 5, windowMs: 60_000 },
  ) {}

  /** Records a death at `now`: how long to wait before restarting, or `give up`. */
  onDeath(service: string, now: number): { restartInMs: number; deathsInWindow: number } | 'give up' {
    const recent = (this.deaths.get(service) ?? []).filter((at) => now - at < this.options.windowMs);
    recent.push(now);
    this.deaths.set(service, recent);
    if (recent.length > this.options.maxDeaths) return 'give up';
    return { restartInMs: Math.min(this.options.maxMs, this.options.initialMs * 2 ** (recent.length - 1)), deathsInWindow: recent.length };
  }
}
