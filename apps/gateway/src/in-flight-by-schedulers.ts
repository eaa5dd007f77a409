interface Waiter {
  reject(error: Error): void;
}

/**
 * The requests a gateway waits on, by the scheduler it sent each to, so that when one scheduler
 * dies exactly its requests are answered (with a 503) — not those of the schedulers still alive.
 * The first answer wins: an executor's reply that comes before the failure resolves the request,
 * and one that comes after is dropped.
 */
export class InFlightBySchedulers {
  private readonly waiting = new Map<string, Set<Waiter>>();

  track<T>(schedulerId: string, answer: Promise<T>): Promise<T> {
    let set = this.waiting.get(schedulerId);
    if (!set) this.waiting.set(schedulerId, (set = new Set()));
    const requests = set;
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter = { reject };
      requests.add(waiter);
      answer.then(
        (value) => {
          requests.delete(waiter);
          resolve(value);
        },
        (error: unknown) => {
          requests.delete(waiter);
          reject(error as Error);
        },
      );
    });
  }

  /** Fails every request still waiting on `schedulerId` with `error`; returns how many. */
  fail(schedulerId: string, error: Error): number {
    const set = this.waiting.get(schedulerId);
    this.waiting.delete(schedulerId);
    if (!set) return 0;
    for (const waiter of set) waiter.reject(error);
    return set.size;
  }

  /** How many requests wait on `schedulerId`. */
  count(schedulerId: string): number {
    return this.waiting.get(schedulerId)?.size ?? 0;
  }
}
