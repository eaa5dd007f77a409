import type { DeviceName } from '@flotilla/contracts';

/**
 * Which pool a resource comes from: `'global'` (shared by every device) or a device index (that
 * device's per-device pool). Plain data, so snapshots serialise as they are.
 */
export type PoolKey = 'global' | number;

/**
 * The device index an instance's per-device resources are counted on. `cpu` is 0: Triton gives
 * KIND_CPU and KIND_MODEL instances device id 0, so they contend with GPU 0's instances for
 * per-device resources (triton-spec §2.3, checklist 21). Flotilla keeps that quirk on purpose, so
 * that a resource count tuned against tritonserver means the same here.
 */
export function deviceIndex(device: DeviceName): number {
  if (device === 'cpu') return 0;
  const index = Number(device.slice('gpu:'.length));
  if (!Number.isInteger(index) || index < 0) throw new Error(`not a device name: ${device}`);
  return index;
}

/** The pool one of an instance's resources is drawn from. */
export function poolOf(device: DeviceName, global: boolean): PoolKey {
  return global ? 'global' : deviceIndex(device);
}

/** Snapshot order, as Triton's maps iterate: global first (key −2), then devices ascending. */
export function comparePoolKeys(a: PoolKey, b: PoolKey): number {
  if (a === b) return 0;
  if (a === 'global') return -1;
  if (b === 'global') return 1;
  return a - b;
}
