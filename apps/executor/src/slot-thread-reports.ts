import type { ThreadMessage } from '@flotilla/backends';
import { recordComputeSpan } from './compute-span';
import type { SlotEntry } from './slot-entry';
import type { FromServingThread } from './slot-thread/serving-protocol';

/**
 * What a slot's serving thread reports to the main thread: compute spans to record (its statistics
 * are in shared memory, SlotEntry.stats), and its link to NATS going down and coming back — then
 * `relinked` is called, for the slot to be announced anew (SlotAnnouncement.relinks).
 */
export function onThreadReport(entry: SlotEntry, message: ThreadMessage, relinked: () => void = () => undefined): void {
  const report = message as FromServingThread;
  const slot = () => ({ slotId: entry.plan.slotId, instance: entry.plan.instance, version: entry.plan.version });
  if (report.kind === 'span') recordComputeSpan(report, slot());
  else if (report.kind === 'batch-spans') for (const span of report.spans) recordComputeSpan(span, slot());
  else if (report.kind === 'link') {
    if (!report.up && entry.threadLinked) entry.relinks++;
    const back = report.up && !entry.threadLinked;
    entry.threadLinked = report.up;
    if (back) relinked();
  }
}
