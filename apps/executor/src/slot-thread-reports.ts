import type { ThreadMessage } from '@flotilla/backends';
import { recordComputeSpan } from './compute-span';
import type { SlotEntry } from './slot-entry';
import type { FromServingThread } from './slot-thread/serving-protocol';

/** What the main thread does about a report beyond recording it. */
export interface ThreadReportHooks {
  /** The slot's thread can hear its payloads again after an outage: announce it anew (SlotAnnouncement.relinks). */
  readonly relinked?: () => void;
  /** The slot's thread handed its rate-limiter resources to the payload parked with `token` at `slotId`. */
  readonly handOver?: (slotId: string, token: string) => void;
}

/**
 * What a slot's serving thread reports to the main thread: compute spans to record (its statistics
 * are in shared memory, SlotEntry.stats), its link to NATS going down and coming back, and the
 * hand-over of its resources to another slot's thread (see the hooks).
 */
export function onThreadReport(entry: SlotEntry, message: ThreadMessage, { relinked = () => undefined, handOver = () => undefined }: ThreadReportHooks = {}): void {
  const report = message as FromServingThread;
  const slot = () => ({ slotId: entry.plan.slotId, instance: entry.plan.instance, version: entry.plan.version });
  if (report.kind === 'span') recordComputeSpan(report, slot());
  else if (report.kind === 'batch-spans') for (const span of report.spans) recordComputeSpan(span, slot());
  else if (report.kind === 'link') {
    if (!report.up && entry.threadLinked) entry.relinks++;
    const back = report.up && !entry.threadLinked;
    entry.threadLinked = report.up;
    if (back) relinked();
  } else if (report.kind === 'hand-over') handOver(report.slotId, report.token);
}
