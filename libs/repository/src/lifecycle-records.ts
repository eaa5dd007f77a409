import type { ModelRecord, ModelVersionRecord } from '@flotilla/contracts';

/** The reason Triton gives a version that was unloaded; such a version does not make the server unready. */
export const UNLOADED = 'unloaded';

/** The versions executors create instances for: those loading, serving, or finishing what they hold. */
export function hasInstances(version: ModelVersionRecord): boolean {
  return version.state === 'READY' || version.state === 'LOADING' || version.state === 'UNLOADING';
}

/** A model that serves: a config and at least one READY version. */
export function isServing(record: ModelRecord | undefined): record is ModelRecord {
  return record !== undefined && record.config !== undefined && record.versions.some((v) => v.state === 'READY');
}

/**
 * While a (re)load is under way: the candidate's versions that are new are LOADING, those already
 * serving stay READY (their instances are reconciled in place: only the difference is created or
 * removed), and versions the candidate drops keep serving until the load has settled — so
 * unversioned requests always have the highest READY version to go to.
 */
export function loadingRecord(previous: ModelRecord | undefined, candidate: ModelRecord): ModelRecord {
  const serving = new Set(isServing(previous) ? previous.versions.filter((v) => v.state === 'READY').map((v) => v.version) : []);
  const versions: ModelVersionRecord[] = candidate.versions.map((v) => (v.state !== 'READY' ? v : { ...v, state: serving.has(v.version) ? 'READY' : 'LOADING' }));
  const kept = isServing(previous) ? previous.versions.filter((v) => v.state === 'READY' && !candidate.versions.some((c) => c.version === v.version)) : [];
  return { ...candidate, versions: sortVersions([...versions, ...kept]) };
}

export type VersionOutcome = { readonly kind: 'ready' } | { readonly kind: 'failed'; readonly reason: string };

/**
 * Once every version of the load has an outcome. All ready: the candidate serves, and versions it
 * dropped go (their instances finish what they hold). Any failure while a previous config served:
 * the previous record serves on unchanged (Triton keeps the old model on a failed reload), with
 * the failed new versions listed UNAVAILABLE and why. A first load keeps what succeeded.
 */
export function settledRecord(previous: ModelRecord | undefined, candidate: ModelRecord, outcomes: ReadonlyMap<number, VersionOutcome>): ModelRecord {
  const failed = [...outcomes.entries()].filter(([, outcome]) => outcome.kind === 'failed') as [number, { kind: 'failed'; reason: string }][];
  const applied: ModelVersionRecord[] = candidate.versions.map((v) => {
    const outcome = outcomes.get(v.version);
    if (!outcome) return v;
    return outcome.kind === 'ready' ? { ...v, state: 'READY', reason: '' } : { ...v, state: 'UNAVAILABLE', reason: outcome.reason };
  });
  if (failed.length === 0 || !isServing(previous)) return { ...candidate, versions: applied };
  const news = applied.filter((v) => v.state === 'UNAVAILABLE' && !previous.versions.some((p) => p.version === v.version));
  return { ...previous, versions: sortVersions([...previous.versions, ...news]) };
}

/**
 * Between a load's loading and settled records, when the settled one drops versions that serve
 * now (a new version replaced them): the settled record plus those versions UNLOADING, so their
 * queued and running requests finish before they go while new requests go to the new versions.
 * Undefined when nothing serving is dropped.
 */
export function droppingRecord(current: ModelRecord, settled: ModelRecord): { readonly record: ModelRecord; readonly versions: readonly number[] } | undefined {
  const staysReady = (version: number) => settled.versions.some((v) => v.version === version && v.state === 'READY');
  const dropped = current.versions.filter((v) => v.state === 'READY' && !staysReady(v.version));
  if (dropped.length === 0) return undefined;
  const unloading = dropped.filter((v) => !settled.versions.some((s) => s.version === v.version)).map((v): ModelVersionRecord => ({ ...v, state: 'UNLOADING', reason: '' }));
  return { record: { ...settled, versions: sortVersions([...settled.versions, ...unloading]) }, versions: dropped.map((v) => v.version) };
}

/** Triton's text for a load whose versions failed: `version <v> is at UNAVAILABLE state: <reason>;` each. */
export function loadFailureText(model: string, outcomes: ReadonlyMap<number, VersionOutcome>): string | undefined {
  const failed = [...outcomes.entries()].filter(([, outcome]) => outcome.kind === 'failed');
  if (failed.length === 0) return undefined;
  const parts = failed.map(([version, outcome]) => `version ${version} is at UNAVAILABLE state: ${(outcome as { reason: string }).reason};`);
  return `load failed for model '${model}': ${parts.join(' ')}`;
}

/** While an unload lets queued and running requests finish: new requests are refused (no READY version). */
export function unloadingRecord(record: ModelRecord): ModelRecord {
  return { ...record, versions: record.versions.map((v) => (hasInstances(v) ? { ...v, state: 'UNLOADING', reason: '' } : v)) };
}

/**
 * After an unload: every version UNAVAILABLE with Triton's reason `unloaded`, and no config, so no
 * executor keeps an instance of it and lookups answer as for a model with no available version.
 */
export function unloadedRecord(record: ModelRecord): ModelRecord {
  const { config: _config, warnings: _warnings, ...rest } = record;
  // A model that failed as a whole has no version to carry the reason: the record does.
  if (record.versions.length === 0) return { ...rest, reason: UNLOADED, versions: [] };
  return { ...rest, reason: '', versions: record.versions.map((v) => ({ ...v, state: 'UNAVAILABLE', reason: UNLOADED })) };
}

/** Unloaded through the API (or gone from a polled repository): it no longer counts for readiness. */
export function isUnloaded(record: ModelRecord): boolean {
  if (record.versions.length === 0) return record.reason === UNLOADED;
  return !record.reason && record.versions.every((v) => v.state === 'UNAVAILABLE' && v.reason === UNLOADED);
}

function sortVersions(versions: ModelVersionRecord[]): ModelVersionRecord[] {
  return versions.sort((a, b) => a.version - b.version);
}
