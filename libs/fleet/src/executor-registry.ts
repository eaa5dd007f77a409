import type { ExecutorAnnouncement, ExecutorBeat, SlotAnnouncement, SlotStatistics } from '@flotilla/contracts';

/** What changed in the fleet's slots after one announcement or departure. */
export interface SlotChanges {
  /** Slots that can execute now (ready, not passive) and were not executable before. */
  readonly ready: readonly SlotAnnouncement[];
  /** Slots that could execute before and now only finish what they hold (their executor is stopping). */
  readonly draining: readonly SlotAnnouncement[];
  /** Slots that could execute or were draining before, and are now gone, failed, or their executor is gone. */
  readonly gone: readonly SlotAnnouncement[];
  /**
   * Ids of slots both in `gone` and (when ready) in `ready`: their link to NATS dropped and came
   * back (`relinks` moved), so what was held on them may be lost; the slot starts over.
   */
  readonly relinked?: readonly string[];
}

interface ExecutorEntry {
  announcement: ExecutorAnnouncement;
  lastSeen: number;
}

/**
 * What a beat told the registry:
 * - `current`: the executor is alive and its last announcement is the one held here;
 * - `stale`: it is alive, but announced a revision this registry missed: ask it to announce again;
 * - `unknown`: an executor never announced here (this process started after it): ask it to announce.
 */
export type BeatOutcome = 'current' | 'stale' | 'unknown';

/**
 * Who is in the fleet: each executor's last announcement and when it was heard from. Executors
 * announce their slots on every change and beat every `heartbeatMs` in between; one silent for
 * `missedHeartbeats` periods is taken to be dead, and its slots go with it.
 *
 * Pure bookkeeping with an injected clock: each service keeps one (its fleet view), fed by the
 * same broadcasts, and acts on the changes it reports.
 */
export class ExecutorRegistry {
  private readonly executors = new Map<string, ExecutorEntry>();

  constructor(private readonly missedHeartbeats = 3) {}

  /**
   * Records an announcement. `replaced` is the last announcement of another process that had the
   * same executor id (a restart with `--executor-id`, before the old one was declared silent):
   * that process is gone, and whoever keeps its totals must fold them now.
   */
  announce(announcement: ExecutorAnnouncement, now: number): SlotChanges & { readonly replaced?: ExecutorAnnouncement } {
    const previous = this.executors.get(announcement.executorId);
    this.executors.set(announcement.executorId, { announcement, lastSeen: now });
    const before = held(previous?.announcement.slots ?? []);
    const after = [...held(announcement.slots).values()];
    const afterIds = new Set(after.map((slot) => slot.slotId));
    const replaced = previous && (previous.announcement.pid !== announcement.pid || previous.announcement.host !== announcement.host) ? previous.announcement : undefined;
    const relinked = new Set(after.filter((slot) => before.has(slot.slotId) && (before.get(slot.slotId)!.relinks ?? 0) !== (slot.relinks ?? 0)).map((slot) => slot.slotId));
    const isNew = (slot: SlotAnnouncement) => !before.has(slot.slotId) || relinked.has(slot.slotId);
    return {
      ready: after.filter((slot) => slot.state === 'ready' && isNew(slot)),
      draining: after.filter((slot) => slot.state === 'draining' && before.get(slot.slotId)?.state === 'ready' && !relinked.has(slot.slotId)),
      gone: [...before.values()].filter((slot) => !afterIds.has(slot.slotId) || relinked.has(slot.slotId)),
      ...(relinked.size ? { relinked: [...relinked] } : {}),
      ...(replaced ? { replaced } : {}),
    };
  }

  /**
   * Records a beat: the executor is alive. At the revision held here, the statistics it carries
   * replace those of their slots; otherwise the caller should ask the executor to announce itself.
   */
  beat(beat: ExecutorBeat, now: number): BeatOutcome {
    const entry = this.executors.get(beat.executorId);
    if (!entry) return 'unknown';
    entry.lastSeen = now;
    if (entry.announcement.revision !== beat.revision) return 'stale';
    if (beat.stats) entry.announcement = withStatistics(entry.announcement, beat.stats);
    if (beat.retired) entry.announcement = { ...entry.announcement, retired: beat.retired };
    return 'current';
  }

  /**
   * The executor said goodbye (or was declared dead): all its slots are gone. Returns them, and
   * its last announcement (with the statistics its beats brought since), if it was known.
   */
  leave(executorId: string): SlotChanges & { readonly last?: ExecutorAnnouncement } {
    const entry = this.executors.get(executorId);
    if (!entry) return { ready: [], draining: [], gone: [] };
    this.executors.delete(executorId);
    return { ready: [], draining: [], gone: [...held(entry.announcement.slots).values()], last: entry.announcement };
  }

  /** Declares dead every executor silent for too long; returns them with their lost slots and last announcement. */
  expire(now: number): { executorId: string; changes: SlotChanges; last?: ExecutorAnnouncement }[] {
    const dead: { executorId: string; changes: SlotChanges; last?: ExecutorAnnouncement }[] = [];
    for (const [executorId, entry] of this.executors) {
      if (now > deadline(entry, this.missedHeartbeats)) {
        const { last, ...changes } = this.leave(executorId);
        dead.push({ executorId, changes, last });
      }
    }
    return dead;
  }

  /** When the next executor falls silent for too long, if none is heard from before; undefined for an empty fleet. */
  nextExpiry(): number | undefined {
    let next: number | undefined;
    for (const entry of this.executors.values()) next = Math.min(next ?? Infinity, deadline(entry, this.missedHeartbeats));
    return next;
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

const deadline = (entry: ExecutorEntry, missedHeartbeats: number) => entry.lastSeen + entry.announcement.heartbeatMs * missedHeartbeats;

function withStatistics(announcement: ExecutorAnnouncement, stats: Readonly<Record<string, SlotStatistics>>): ExecutorAnnouncement {
  return { ...announcement, slots: announcement.slots.map((slot) => (stats[slot.slotId] ? { ...slot, stats: stats[slot.slotId] } : slot)) };
}
