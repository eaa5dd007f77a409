/**
 * tritonserver's `--rate-limit-resource=<name>:<count>[:<device>]` (triton-spec §2.2), repeatable.
 *
 * What Triton does, and so what this does:
 * - no device means "every device" (Triton's key −1); it combines with device-specific values by
 *   max when pools are sized (see `ResourcePools`), not here;
 * - the same (name, device) given twice keeps the smaller count;
 * - names are case-sensitive (Triton's help says otherwise, but its parser keeps the original text).
 *
 * Decided here, where Triton's parser would fail differently (std::stoi exceptions): a count or
 * device that is not a decimal integer ≥ 0, or an empty name, is refused with the format text too.
 */

/** One explicit resource: `device: 'all'` when the flag named no device. */
export interface ExplicitResource {
  readonly name: string;
  readonly count: number;
  readonly device: number | 'all';
}

/**
 * Every `--rate-limit-resource` the server was given, one entry per (name, device), in the order
 * each pair first appeared. Empty means "no explicit resources": pools are then sized from what the
 * instances ask for (see `ResourcePools`).
 */
export type ExplicitResources = readonly ExplicitResource[];

const DECIMAL = /^[0-9]+$/;

function formatError(arg: string): Error {
  return new Error(`--rate-limit-resource option format is '<resource_name>:<count>:<device>' or '<resource_name>:<count>'. Got ${arg}`);
}

function parseOne(arg: string): ExplicitResource {
  const parts = arg.split(':');
  if (parts.length !== 2 && parts.length !== 3) throw formatError(arg);
  const [name, count, device] = parts;
  if (name === '' || !DECIMAL.test(count) || (device !== undefined && !DECIMAL.test(device))) throw formatError(arg);
  return { name, count: Number(count), device: device === undefined ? 'all' : Number(device) };
}

/** Parses every value of the repeated flag; throws Triton's format text on the first bad one. */
export function parseRateLimitResources(values: readonly string[]): ExplicitResources {
  const byKey = new Map<string, ExplicitResource>();
  for (const value of values) {
    const resource = parseOne(value);
    // The name may contain anything but ':', so a NUL cannot collide with the device part.
    const key = `${resource.device}\u0000${resource.name}`;
    const previous = byKey.get(key);
    if (previous === undefined || resource.count < previous.count) byKey.set(key, resource);
  }
  return [...byKey.values()];
}
