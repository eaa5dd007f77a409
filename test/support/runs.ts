/** Where and when one request ran, as `"flotilla_execution_info": true` returns it. */
export interface Run {
  flotilla_instance: string;
  flotilla_device: string;
  flotilla_compute_start_ms: number;
  flotilla_compute_end_ms: number;
}

/** The most runs in progress at one instant, from the slots' own start/end stamps. */
export function maxConcurrent(runs: readonly Run[]): number {
  const events = runs.flatMap((r) => [
    [r.flotilla_compute_start_ms, 1],
    [r.flotilla_compute_end_ms, -1],
  ]);
  events.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  let current = 0;
  let max = 0;
  for (const [, delta] of events) max = Math.max(max, (current += delta));
  return max;
}
