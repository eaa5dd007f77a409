import type { ExecutorAnnouncement, SlotAnnouncement } from '@flotilla/contracts';

/** What changed in the fleet's slots after one announcement or departure. */
export interface SlotChanges {
  /** Slots that can execute now (ready, not passive) and were not executable before. */
  readonly ready: readonly SlotAnnouncement[];
  /** Slots that could execute before and now only finish what they hold (their executor is stopping). */
  readonly draining: readonly SlotAnnouncement[];
  /** Slots that could execute or were draining before, and are now gone, failed, or their executor is gone. */
  readonly gone: readonly SlotAnnouncement[];
}

interface ExecutorEntry {
  announcement: ExecutorAnnouncement;
  lastSeen: number;
}

/**
 * Who is in the fleet: each executor's last announcement and when it was heard from. Executors
 * announce themselves every `heartbeatMs` and on every slot change; one silent for
 * `missedHeartbeats` periods is taken to be dead, and its slots go with it.
 *
 * Pure bookkeeping with an injected clock: the scheduler and the rate limiter each keep one,
 * fed by the same NATS broadcasts, and act on the changes it reports.
 */
export class ExecutorRegistry {
  private readonly executors = new Map<string, ExecutorEntry>();

  constructor(private readonly missedHeartbeats = 3) {}

  announce(announcement: ExecutorAnnouncement, now: number): SlotChanges {
    const previous = this.executors.get(announcement.executorId);
    this.executors.set(announcement.executorId, { announcement, lastSeen: now });
    const before = held(previous?.announcement.slots ?? []);
    const after = [...held(announcement.slots).values()];
    const afterIds = new Set(after.map((slot) => slot.slotId));
    return {
      ready: after.filter((slot) => slot.state === 'ready' && !before.has(slot.slotId)),
      draining: after.filter((slot) => slot.state === 'draining' && before.get(slot.slotId)?.state === 'ready'),
      gone: [...before.values()].filter((slot) => !afterIds.has(slot.slotId)),
    };
  }

  /** The executor said goodbye (or was declared dead): all its slots are gone. */
  leave(executorId: string): SlotChanges {
    const entry = this.executors.get(executorId);
    if (!entry) return { ready: [], draining: [], gone: [] };
    this.executors.delete(executorId);
    return { ready: [], draining: [], gone: [...held(entry.announcement.slots).values()] };
  }

  /** Declares dead every executor silent for too long; returns them with their lost slots. */
  expire(now: number): { executorId: string; changes: SlotChanges }[] {
    const dead: { executorId: string; changes: SlotChanges }[] = [];
    for (const [executorId, entry] of this.executors) {
      if (now - entry.lastSeen > entry.announcement.heartbeatMs * this.missedHeartbeats) {
        dead.push({ executorId, changes: this.leave(executorId) });
      }
    }
    return dead;
  }

  get(executorId: string): ExecutorAnnouncement | undefined {
    return this.executors.get(executorId)?.announcement;
  }

  all(): ExecutorAnnouncement[] {
    return [...this.executors.values()].map((entry) => entry.announcement);
  }
}

/**
 * The slots the scheduler may hold payloads on, by id: ready or draining, and not passive
 * (passive slots never execute).
 */
function held(slots: readonly SlotAnnouncement[]): Map<string, SlotAnnouncement> {
  return new Map(slots.filter((slot) => (slot.state === 'ready' || slot.state === 'draining') && !slot.passive).map((slot) => [slot.slotId, slot]));
}
