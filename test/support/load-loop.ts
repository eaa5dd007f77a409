/** One request of a load loop: when it started and ended (ms since the loop's start) and how. */
export interface Outcome {
  readonly startMs: number;
  readonly endMs: number;
  /** HTTP status, or 0 when the request got no answer in time (it hung) or the connection failed. */
  readonly status: number;
  readonly body: string;
}

export interface LoadLoop {
  /** Stops sending new requests and waits for those in flight. */
  stop(): Promise<Outcome[]>;
  /** What has ended so far. */
  readonly outcomes: readonly Outcome[];
  /** ms since the loop started, on the loop's clock. */
  now(): number;
}

/**
 * `concurrency` clients, each sending `body` to `url` as soon as its last request ended, until
 * stopped. A request that has no answer after `hangAfterMs` is abandoned and counted as status 0:
 * with the gateway's deadline below that, such a request hung past its deadline.
 */
export function loadLoop(url: string, body: string, concurrency: number, hangAfterMs: number): LoadLoop {
  const t0 = performance.now();
  const now = () => performance.now() - t0;
  const outcomes: Outcome[] = [];
  let stopping = false;
  const client = async () => {
    while (!stopping) {
      const startMs = now();
      try {
        const response = await fetch(url, { method: 'POST', body, headers: { 'Content-Type': 'application/json' }, signal: AbortSignal.timeout(hangAfterMs) });
        outcomes.push({ startMs, endMs: now(), status: response.status, body: await response.text() });
      } catch (error) {
        outcomes.push({ startMs, endMs: now(), status: 0, body: (error as Error).message });
        // A connection refused is immediate: do not spin.
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
  };
  const clients = Array.from({ length: concurrency }, client);
  return {
    outcomes,
    now,
    stop: async () => {
      stopping = true;
      await Promise.all(clients);
      return outcomes;
    },
  };
}

/** How requests ended, by status: `{ '200': 412, '503': 3 }`. */
export function countByStatus(outcomes: readonly Outcome[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const outcome of outcomes) counts[outcome.status] = (counts[outcome.status] ?? 0) + 1;
  return counts;
}

/** The requests that were in flight at `atMs`: started before it, ended after it. */
export const inFlightAt = (outcomes: readonly Outcome[], atMs: number) => outcomes.filter((o) => o.startMs <= atMs && o.endMs >= atMs);

/**
 * ms from `atMs` to the end of the first successful request that started after it, from which on
 * every request that started also succeeded — "serving again", not one lucky request.
 */
export function servingAgainAfter(outcomes: readonly Outcome[], atMs: number): number | undefined {
  const after = outcomes.filter((o) => o.startMs >= atMs).sort((x, y) => x.startMs - y.startMs);
  let lastFailure = -1;
  after.forEach((o, index) => {
    if (o.status !== 200) lastFailure = index;
  });
  const firstOfRun = after[lastFailure + 1];
  return firstOfRun ? firstOfRun.endMs - atMs : undefined;
}

/** p50 of a list of numbers. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor(sorted.length / 2)];
}
