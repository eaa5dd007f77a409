import type { SlotAnnouncement, SlotStatistics } from '@flotilla/contracts';

/**
 * Which slots' statistics changed since the executor last sent them, so that a beat carries only
 * those (an idle executor's beat carries none). A slot's thread reports a new statistics object
 * each time its figures move, so identity tells a change without comparing counters.
 */
export class StatisticsDelta {
  private readonly sent = new Map<string, SlotStatistics>();

  /** Every slot's statistics went out (a full announcement). */
  sentAll(slots: readonly SlotAnnouncement[]): void {
    this.sent.clear();
    for (const slot of slots) this.sent.set(slot.slotId, slot.stats);
  }

  /** The statistics that changed since they were last sent, by slot id (now counted as sent); undefined when none did. */
  takeChanged(slots: readonly SlotAnnouncement[]): Record<string, SlotStatistics> | undefined {
    let changed: Record<string, SlotStatistics> | undefined;
    for (const slot of slots) {
      if (this.sent.get(slot.slotId) === slot.stats) continue;
      (changed ??= {})[slot.slotId] = slot.stats;
      this.sent.set(slot.slotId, slot.stats);
    }
    return changed;
  }
}
