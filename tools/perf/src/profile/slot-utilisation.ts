// How busy an instance slot really is under load, from Flotilla's `flotilla_execution_info`
// response parameters: per request, when its run started and ended in the slot's worker. Sorted by
// start, the time between one run's end and the next run's start on the same instance is the
// slot's idle gap: the cost of getting the next request to it.
import { summarizeLatencies, type LatencySummary } from '../stats/percentiles';

export interface ExecutionStamp {
  readonly instance: string;
  readonly startMs: number;
  readonly endMs: number;
}

export interface SlotUtilisation {
  readonly instance: string;
  readonly runs: number;
  readonly busyMs: LatencySummary;
  readonly idleGapMs: LatencySummary;
  /** Busy time over the span from the first run's start to the last run's end. */
  readonly utilisation: number;
}

export function slotUtilisation(stamps: readonly ExecutionStamp[]): SlotUtilisation[] {
  const byInstance = new Map<string, ExecutionStamp[]>();
  for (const stamp of stamps) byInstance.set(stamp.instance, [...(byInstance.get(stamp.instance) ?? []), stamp]);
  return [...byInstance.entries()].sort().map(([instance, runs]) => {
    const sorted = [...runs].sort((a, b) => a.startMs - b.startMs);
    const busy = sorted.map((run) => run.endMs - run.startMs);
    const gaps = sorted.slice(1).map((run, i) => Math.max(0, run.startMs - sorted[i].endMs));
    const span = sorted[sorted.length - 1].endMs - sorted[0].startMs;
    return {
      instance,
      runs: sorted.length,
      busyMs: summarizeLatencies(busy),
      idleGapMs: summarizeLatencies(gaps),
      utilisation: span > 0 ? busy.reduce((a, b) => a + b, 0) / span : 1,
    };
  });
}
