import type { ModelRecord } from '@flotilla/contracts';

/**
 * The digests some version with instances (loading, serving, finishing its queue) still needs:
 * an object of the model store that none of these names can go.
 */
export function referencedDigests(records: Iterable<ModelRecord>): Set<string> {
  const digests = new Set<string>();
  for (const record of records) {
    if (!record.config) continue;
    for (const version of record.versions) {
      if (version.state === 'UNAVAILABLE') continue;
      for (const file of version.manifest?.files ?? []) digests.add(file.digest);
    }
  }
  return digests;
}
