import type { ModelRecord } from '@flotilla/contracts';

/** One row of Triton's repository index. */
export interface RepositoryIndexRow {
  readonly name: string;
  /** Absent for a model that failed as a whole, before any version was considered. */
  readonly version?: string;
  /** Absent for a model folder never loaded (control mode explicit), as Triton lists it. */
  readonly state?: string;
  readonly reason?: string;
}

/**
 * Triton's index rows: one per version, or one without a version for a model that failed as a
 * whole, and a bare name for a model folder never loaded (control mode explicit). Sorted by name,
 * as Triton lists them. With `readyOnly`, only READY versions (Triton's `ready: true`).
 */
export function repositoryIndexRows(records: readonly ModelRecord[], readyOnly = false, notLoaded: readonly string[] = []): RepositoryIndexRow[] {
  const rows = records.flatMap((record): RepositoryIndexRow[] => {
    if (record.versions.length === 0) return [{ name: record.name, state: 'UNAVAILABLE', reason: record.reason }];
    return record.versions.map((v) => ({ name: record.name, version: String(v.version), state: v.state, reason: v.reason }));
  });
  const all = [...rows, ...notLoaded.map((name): RepositoryIndexRow => ({ name }))].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return readyOnly ? all.filter((row) => row.state === 'READY') : all;
}
