import type { SchedulerStatus, StatisticsSnapshot } from '@flotilla/contracts';
import { sumPerVersion } from './retired-statistics';

type VersionStatus = SchedulerStatus['models'][number];
type SlotStatus = VersionStatus['slots'][number];

/**
 * The deployment's status from every scheduler's answer. Each scheduler sees the same fleet (so
 * the same slots and readiness) but only its own queues and dispatches: queued requests add up, a
 * slot is busy if any scheduler has work on it, and a version is ready if any scheduler says so
 * (one that has just started may not have heard the fleet yet).
 */
export function mergeSchedulerStatus(answers: readonly SchedulerStatus[]): SchedulerStatus {
  if (answers.length === 1) return answers[0];
  const versions = new Map<string, { entry: VersionStatus; slots: Map<string, SlotStatus> }>();
  for (const answer of answers) {
    for (const entry of answer.models) {
      const key = `${entry.name}\u0000${entry.version}`;
      const known = versions.get(key);
      if (!known) {
        versions.set(key, { entry, slots: new Map(entry.slots.map((slot) => [slot.slotId, slot])) });
        continue;
      }
      known.entry = { ...known.entry, ready: known.entry.ready || entry.ready, queued: known.entry.queued + entry.queued, loading: Math.max(known.entry.loading, entry.loading) };
      for (const slot of entry.slots) {
        const seen = known.slots.get(slot.slotId);
        known.slots.set(slot.slotId, seen ? { ...seen, busy: seen.busy || slot.busy, ...(seen.draining || slot.draining ? { draining: true as const } : {}) } : slot);
      }
    }
  }
  return { models: [...versions.values()].map(({ entry, slots }) => ({ ...entry, slots: [...slots.values()] })) };
}

/**
 * The deployment's statistics from every scheduler's answer. The executors' figures are the same
 * in each, so they are taken once — from the scheduler that started first, which has folded in
 * the most departed executors — and every other scheduler adds only what it refused itself.
 * A scheduler that died took its refusals with it (as a dead executor takes its last beat's).
 */
export function mergeStatistics(answers: readonly StatisticsSnapshot[]): StatisticsSnapshot {
  if (answers.length === 1) return answers[0];
  if (answers.length === 0) return { models: [] };
  const base = answers.reduce((oldest, answer) => ((answer.startedAt ?? Infinity) < (oldest.startedAt ?? Infinity) ? answer : oldest));
  const others = answers.filter((answer) => answer !== base).flatMap((answer) => answer.refusals ?? []);
  const stale = [...new Set(answers.flatMap((answer) => answer.stale ?? []))];
  return { models: sumPerVersion([...base.models, ...others]), ...(stale.length > 0 ? { stale } : {}) };
}
