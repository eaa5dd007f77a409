import { invalidArg } from '@flotilla/contracts';
import type { ModelVersionPolicy } from './model-config.types';

/**
 * The version a version directory name denotes, or undefined when Triton would skip the directory:
 * only positive decimal integers without a leading zero count (spec §4.1).
 */
export function parseVersionDirName(name: string): number | undefined {
  if (!/^[1-9][0-9]*$/.test(name)) return undefined;
  const version = Number(name);
  return Number.isSafeInteger(version) ? version : undefined;
}

/**
 * The versions to load under `policy` from those present, ascending (spec §4.2). An absent policy
 * means Triton's default, `latest { num_versions: 1 }`. Listed `specific` versions that are not
 * present are left out. Throws INVALID_ARG when nothing is selected.
 */
export function selectVersions(policy: ModelVersionPolicy | undefined, available: readonly number[], modelName: string): number[] {
  const present = [...new Set(available)].sort((a, b) => a - b);
  const selected = selectFrom(policy ?? { latest: { num_versions: 1 } }, present);
  if (selected.length === 0) throw invalidArg(`at least one version must be available under the version policy of model '${modelName}'`);
  return selected;
}

function selectFrom(policy: ModelVersionPolicy, ascending: number[]): number[] {
  if ('latest' in policy) return policy.latest.num_versions > 0 ? ascending.slice(-policy.latest.num_versions) : [];
  if ('specific' in policy) return ascending.filter((version) => policy.specific.versions.includes(version));
  return ascending;
}
