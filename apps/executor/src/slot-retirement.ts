import type { SlotEntry } from './slot-entry';

/**
 * On a graceful stop, how long slots keep listening after they are announced `draining`: payloads
 * the scheduler sent before it heard are still on their way, and must arrive before the threads
 * unsubscribe, or they would fail as lost instead of running.
 */
export const DRAIN_GRACE_MS = 250;

/**
 * Slots the models no longer ask for (or all of them, when the executor stops), finishing what
 * they hold before they close. They stay announced, as `draining`, until their threads have ended.
 */
export class SlotRetirement {
  private readonly retiring = new Map<string, SlotEntry>();

  /**
   * @param changed called whenever a retiring slot changes, so that the change is announced at once
   * @param closing called with a slot about to close, its thread ended: its statistics are final
   */
  constructor(
    private readonly changed: () => void,
    private readonly closing: (entry: SlotEntry) => void = () => undefined,
  ) {}

  has(slotId: string): boolean {
    return this.retiring.has(slotId);
  }

  entries(): IterableIterator<SlotEntry> {
    return this.retiring.values();
  }

  /**
   * Takes a slot, already out of the table, out of service without losing what it runs: it is
   * announced `draining` (the scheduler sends it nothing new), keeps listening for payloads already
   * on their way, answers what it holds, and only then closes and leaves the announcements. A slot
   * that is not ready holds nothing: it closes at once, unannounced.
   */
  async retire(entry: SlotEntry): Promise<void> {
    if (entry.state !== 'ready') {
      this.closing(entry);
      entry.close();
      return void entry.worker?.close();
    }
    entry.drain();
    this.retiring.set(entry.plan.slotId, entry);
    this.changed();
    await new Promise((resolve) => setTimeout(resolve, DRAIN_GRACE_MS));
    await entry.worker?.close();
    // Folded and gone from the announcements in the same turn: the next announcement counts the
    // slot's requests exactly once.
    this.closing(entry);
    this.retiring.delete(entry.plan.slotId);
    entry.close();
    this.changed();
  }

  /** Ends the retiring slots' threads without waiting out their grace (each answers what it holds first). */
  async closeAll(): Promise<void> {
    await Promise.all([...this.retiring.values()].map((entry) => entry.worker?.close()));
  }
}
