import type { ExecutorAnnouncement, FailureReason, VersionStatistics } from '@flotilla/contracts';
import { RetiredStatistics, sumPerVersion } from './retired-statistics';
import { SlotStatisticsRecorder } from './statistics';

/**
 * The deployment's statistics per model version, as the scheduler keeps them: every live
 * executor's figures (its slots', and its own total of the slots it closed), the final figures of
 * executors that left or fell silent, and the requests the scheduler refused itself (a full
 * queue, a queue timeout, no instance), which never reached an executor. Memory is bounded by the
 * number of model versions, however many executors and slots come and go.
 */
export class FleetStatistics {
  private readonly departed = new RetiredStatistics();
  private readonly refused = new Map<string, { readonly name: string; readonly version: number; readonly recorder: SlotStatisticsRecorder }>();

  /** An executor left or fell silent: its last figures (slots and retired totals) count for good. */
  executorDeparted(last: ExecutorAnnouncement): void {
    for (const slot of last.slots) this.departed.fold(slot.model, slot.version, slot.stats);
    this.departed.foldAll(last.retired ?? []);
  }

  /** The scheduler answered a request with an error itself, `durationNs` after it arrived. */
  recordRefusal(name: string, version: number, durationNs: number, nowMs: number, reason: FailureReason): void {
    const key = `${name}\u0000${version}`;
    let entry = this.refused.get(key);
    if (!entry) this.refused.set(key, (entry = { name, version, recorder: new SlotStatisticsRecorder() }));
    entry.recorder.recordFailure(durationNs, nowMs, reason);
  }

  /** Per model version, only the requests the scheduler refused itself. */
  refusals(): VersionStatistics[] {
    return [...this.refused.values()].map(({ name, version, recorder }) => ({ name, version, stats: recorder.snapshot() }));
  }

  /** Per model version, everything counted so far, with `live` the executors in the fleet now. */
  snapshot(live: readonly ExecutorAnnouncement[]): VersionStatistics[] {
    const parts: VersionStatistics[] = [...this.departed.list()];
    for (const executor of live) {
      for (const slot of executor.slots) parts.push({ name: slot.model, version: slot.version, stats: slot.stats });
      parts.push(...(executor.retired ?? []));
    }
    for (const { name, version, recorder } of this.refused.values()) parts.push({ name, version, stats: recorder.snapshot() });
    return sumPerVersion(parts);
  }
}
