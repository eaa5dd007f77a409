/** Anything with an instance signature (see model-config's `instanceSignature`). */
export interface Signed {
  readonly signature: string;
}

export interface Reconciliation<E, P> {
  /** Running instances that stay, each now standing for a desired one (its name may change). */
  readonly reused: readonly { readonly existing: E; readonly desired: P }[];
  /** Desired instances nothing running can stand for: create them. */
  readonly created: readonly P[];
  /** Running instances nothing desired matches: remove them. */
  readonly removed: readonly E[];
}

/**
 * Matches running instances to the instances a (new) config asks for, by signature, the way
 * Triton's instance-only update does: equal signatures are reused one for one, and only the
 * difference is created or removed. Renaming a group, or splitting `count: 3` into 1 + 2,
 * creates and removes nothing. Order is kept within each signature, so the match is stable.
 */
export function reconcileInstances<E extends Signed, P extends Signed>(existing: readonly E[], desired: readonly P[]): Reconciliation<E, P> {
  const available = new Map<string, E[]>();
  for (const entry of existing) {
    const list = available.get(entry.signature) ?? [];
    list.push(entry);
    available.set(entry.signature, list);
  }
  const reused: { existing: E; desired: P }[] = [];
  const created: P[] = [];
  for (const plan of desired) {
    const match = available.get(plan.signature)?.shift();
    if (match) reused.push({ existing: match, desired: plan });
    else created.push(plan);
  }
  const removed = [...available.values()].flat();
  return { reused, created, removed };
}
