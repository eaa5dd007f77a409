import type { SlotStatistics, VersionStatistics } from '@flotilla/contracts';
import { sumStatistics } from './statistics';

/**
 * The final statistics of slots that are gone, folded into one total per model version: kept so
 * that totals never go down, and bounded by the number of versions however often slots (or
 * executors) come and go.
 */
export class RetiredStatistics {
  private readonly totals = new Map<string, VersionStatistics>();
  private changes = 0;

  fold(name: string, version: number, stats: SlotStatistics): void {
    const key = `${name}\u0000${version}`;
    const total = this.totals.get(key);
    this.totals.set(key, { name, version, stats: total ? sumStatistics([total.stats, stats]) : stats });
    this.changes++;
  }

  /** Folds per-version totals someone else kept (an executor's, when it leaves). */
  foldAll(all: readonly VersionStatistics[]): void {
    for (const { name, version, stats } of all) this.fold(name, version, stats);
  }

  list(): VersionStatistics[] {
    return [...this.totals.values()];
  }

  /** Grows with every fold: equal values mean an equal list. */
  get version(): number {
    return this.changes;
  }
}

/** Sums statistics per model version. */
export function sumPerVersion(all: readonly VersionStatistics[]): VersionStatistics[] {
  const byVersion = new Map<string, { name: string; version: number; all: SlotStatistics[] }>();
  for (const { name, version, stats } of all) {
    const key = `${name}\u0000${version}`;
    const entry = byVersion.get(key) ?? { name, version, all: [] };
    entry.all.push(stats);
    byVersion.set(key, entry);
  }
  return [...byVersion.values()].map(({ name, version, all: stats }) => ({ name, version, stats: sumStatistics(stats) }));
}
