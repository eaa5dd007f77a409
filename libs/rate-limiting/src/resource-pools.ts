import type { ExplicitResources } from './rate-limit-resource-option';
import { comparePoolKeys, type PoolKey } from './pool-key';
import { ResourceLimitError } from './resource-limit-error';

/** One resource an owner (an instance) needs while it executes: `count` copies of `name` from `pool`. */
export interface ResourceNeed {
  readonly pool: PoolKey;
  readonly name: string;
  readonly count: number;
}

/** One owner to add: its id and what it needs (an empty list is fine: it never waits). */
export interface PoolOwnerSpec {
  readonly id: string;
  readonly needs: readonly ResourceNeed[];
}

/** One (pool, name) as it stands: how many copies exist and how many are held right now. */
export interface PoolSnapshot {
  readonly pool: PoolKey;
  readonly name: string;
  readonly total: number;
  readonly allocated: number;
}

/**
 * One owner's registration, as `owner(id)` hands it out: callers on a hot path keep it and call
 * `allocateOwner`/`releaseOwner`/`overlapOwners` with it, saving a lookup by id per call.
 */
export interface PoolOwner {
  readonly id: string;
  readonly needs: readonly ResourceNeed[];
  /** The same needs as indices into `total`/`allocated`, so allocation does no lookups. */
  readonly slots: readonly number[];
  readonly counts: readonly number[];
  holding: boolean;
}

/**
 * Triton's resource pools (triton-spec §2.3): one pool per device index plus one global pool, each
 * holding named resources. Its caller is the `RateLimiter`; nothing else needs it, but it stands on
 * its own (and is tested so) because its sizing and validation rules are Triton's to the letter.
 *
 * Sizing, recomputed whenever owners are added or removed:
 * - no explicit resources: each (pool, name) holds the largest count any owner needs;
 * - explicit resources: for each (pool, name) some owner needs, global → the largest explicit
 *   count for that name over every device entry; device d → max(entry for d, entry for all
 *   devices); a needed resource with no entry holds 0. Entries nobody needs size nothing.
 *
 * `add` validates the whole resulting set (every registered owner, not only the new ones) and
 * throws a `ResourceLimitError` with Triton's text: a name needed both globally and per device, or
 * a (pool, name) smaller than some owner's need. A failed `add` changes nothing.
 *
 * Allocation is per owner and all-or-nothing: every (pool, name) it needs is checked first, then
 * all are taken. Removing a total below what is held (possible when the largest owner leaves while
 * smaller ones hold copies) over-commits that pool for a while: nothing new is granted from it
 * until enough is released.
 */
export class ResourcePools {
  private readonly owners = new Map<string, PoolOwner>();
  private readonly slotIndex = new Map<PoolKey, Map<string, number>>();
  private readonly slotKeys: { pool: PoolKey; name: string }[] = [];
  private readonly total: number[] = [];
  private readonly allocated: number[] = [];

  constructor(private readonly explicit: ExplicitResources = []) {}

  /** Adds owners, all or none; throws `ResourceLimitError` (and changes nothing) if the set is invalid. */
  add(specs: readonly PoolOwnerSpec[]): void {
    const added = new Set<string>();
    for (const spec of specs) {
      if (this.owners.has(spec.id) || added.has(spec.id)) throw new Error(`resource pools: owner ${spec.id} is already registered`);
      for (const need of spec.needs) {
        if (!Number.isInteger(need.count) || need.count < 0) throw new Error(`resource pools: owner ${spec.id} needs ${need.count} of ${need.name}`);
      }
      added.add(spec.id);
    }
    const candidates = specs.map((spec) => ({ id: spec.id, needs: lastWins(spec.needs) }));
    const sizes = this.sizes([...[...this.owners.values()].map((o) => o.needs), ...candidates.map((c) => c.needs)]);
    for (const candidate of candidates) {
      const slots = candidate.needs.map((need) => this.slotFor(need.pool, need.name));
      this.owners.set(candidate.id, { id: candidate.id, needs: candidate.needs, slots, counts: candidate.needs.map((n) => n.count), holding: false });
    }
    this.applySizes(sizes);
  }

  /** Forgets an owner, giving back what it holds, and resizes the pools. Unknown ids throw. */
  remove(id: string): void {
    const owner = this.ownerOf(id);
    if (owner.holding) this.release(id);
    this.owners.delete(id);
    this.applySizes(this.sizes([...this.owners.values()].map((o) => o.needs)));
  }

  /** The registration of a known owner (throws for unknown ids), for the `…Owner` methods. */
  owner(id: string): PoolOwner {
    return this.ownerOf(id);
  }

  /** Takes everything the owner needs if every part fits, else nothing; returns whether it did. */
  allocate(id: string): boolean {
    return this.allocateOwner(this.ownerOf(id));
  }

  /** `allocate` with the owner's registration in hand. */
  allocateOwner(owner: PoolOwner): boolean {
    const id = owner.id;
    if (owner.holding) throw new Error(`resource pools: owner ${id} already holds its resources`);
    const { slots, counts } = owner;
    for (let i = 0; i < slots.length; i++) {
      if (this.allocated[slots[i]] + counts[i] > this.total[slots[i]]) return false;
    }
    for (let i = 0; i < slots.length; i++) this.allocated[slots[i]] += counts[i];
    owner.holding = true;
    return true;
  }

  /**
   * Takes this owner's resources whether or not they fit: for an execution that already holds them
   * (a restarted rate limiter adopting what schedulers report running). Pools may then be
   * over-committed until releases bring them back; nothing new is granted from them meanwhile.
   */
  takeOwner(owner: PoolOwner): void {
    if (owner.holding) throw new Error(`resource pools: owner ${owner.id} already holds its resources`);
    const { slots, counts } = owner;
    for (let i = 0; i < slots.length; i++) this.allocated[slots[i]] += counts[i];
    owner.holding = true;
  }

  /** Gives back what `allocate` took for this owner. */
  release(id: string): void {
    this.releaseOwner(this.ownerOf(id));
  }

  /** `release` with the owner's registration in hand. */
  releaseOwner(owner: PoolOwner): void {
    const id = owner.id;
    if (!owner.holding) throw new Error(`resource pools: owner ${id} holds nothing to release`);
    const { slots, counts } = owner;
    for (let i = 0; i < slots.length; i++) this.allocated[slots[i]] -= counts[i];
    owner.holding = false;
  }

  /** Whether two owners need any (pool, name) in common (counts of 0 included: they are listed). */
  overlap(a: string, b: string): boolean {
    return this.overlapOwners(this.ownerOf(a), this.ownerOf(b));
  }

  /** `overlap` with both registrations in hand. */
  overlapOwners(a: PoolOwner, b: PoolOwner): boolean {
    const x = a.slots;
    const y = b.slots;
    for (let i = 0; i < x.length; i++) {
      for (let j = 0; j < y.length; j++) if (x[i] === y[j]) return true;
    }
    return false;
  }

  /**
   * Whether everything `candidate` needs is within what `holder` needs, (pool, name) by (pool,
   * name): handing the holder's allocation to the candidate can then never take more than was
   * already allocated (the rate limiter's in-process hand-over relies on it).
   */
  covers(holder: PoolOwner, candidate: PoolOwner): boolean {
    const held = holder.slots;
    const heldCounts = holder.counts;
    const { slots, counts } = candidate;
    outer: for (let i = 0; i < slots.length; i++) {
      for (let j = 0; j < held.length; j++) {
        if (held[j] === slots[i]) {
          if (counts[i] > heldCounts[j]) return false;
          continue outer;
        }
      }
      if (counts[i] > 0) return false;
    }
    return true;
  }

  /** Every (pool, name) some owner needs or someone holds, global first, then devices, names sorted. */
  snapshot(): PoolSnapshot[] {
    const used = new Set<number>();
    for (const owner of this.owners.values()) for (const slot of owner.slots) used.add(slot);
    this.allocated.forEach((held, slot) => held > 0 && used.add(slot));
    return [...used]
      .map((slot) => ({ ...this.slotKeys[slot], total: this.total[slot], allocated: this.allocated[slot] }))
      .sort((a, b) => comparePoolKeys(a.pool, b.pool) || compareText(a.name, b.name));
  }

  private ownerOf(id: string): PoolOwner {
    const owner = this.owners.get(id);
    if (owner === undefined) throw new Error(`resource pools: unknown owner ${id}`);
    return owner;
  }

  private slotFor(pool: PoolKey, name: string): number {
    let names = this.slotIndex.get(pool);
    if (names === undefined) this.slotIndex.set(pool, (names = new Map()));
    let slot = names.get(name);
    if (slot === undefined) {
      slot = this.slotKeys.length;
      names.set(name, slot);
      this.slotKeys.push({ pool, name });
      this.total.push(0);
      this.allocated.push(0);
    }
    return slot;
  }

  /**
   * The size of every (pool, name) the given owners need, validated as Triton does: first that no
   * name is both global and per-device, then that each size covers the largest need.
   */
  private sizes(needLists: readonly (readonly ResourceNeed[])[]): Map<PoolKey, Map<string, number>> {
    const largest = new Map<PoolKey, Map<string, number>>();
    for (const needs of needLists) {
      for (const need of needs) {
        let names = largest.get(need.pool);
        if (names === undefined) largest.set(need.pool, (names = new Map()));
        names.set(need.name, Math.max(names.get(need.name) ?? 0, need.count));
      }
    }
    const pools = [...largest.keys()].sort(comparePoolKeys);
    const globalNames = largest.get('global') ?? new Map<string, number>();
    const both = pools
      .filter((pool) => pool !== 'global')
      .flatMap((pool) => [...largest.get(pool)!.keys()].filter((name) => globalNames.has(name)))
      .sort(compareText);
    if (both.length > 0) throw new ResourceLimitError({ kind: 'global-and-device', name: both[0] });
    if (this.explicit.length === 0) return largest;

    const sized = new Map<PoolKey, Map<string, number>>();
    for (const pool of pools) {
      const names = new Map<string, number>();
      for (const [name, required] of [...largest.get(pool)!].sort(([a], [b]) => compareText(a, b))) {
        const available = this.explicitCount(pool, name);
        if (available < required) throw new ResourceLimitError({ kind: 'limited', name, available, required });
        names.set(name, available);
      }
      sized.set(pool, names);
    }
    return sized;
  }

  private explicitCount(pool: PoolKey, name: string): number {
    let count = 0;
    for (const entry of this.explicit) {
      if (entry.name !== name) continue;
      if (pool === 'global' || entry.device === 'all' || entry.device === pool) count = Math.max(count, entry.count);
    }
    return count;
  }

  private applySizes(sizes: Map<PoolKey, Map<string, number>>): void {
    this.total.fill(0);
    for (const [pool, names] of sizes) for (const [name, size] of names) this.total[this.slotFor(pool, name)] = size;
  }
}

/** One owner listing a name twice in one pool: the later entry wins, as Triton's map assignment does. */
function lastWins(needs: readonly ResourceNeed[]): ResourceNeed[] {
  const byKey = new Map<string, ResourceNeed>();
  for (const need of needs) byKey.set(`${need.pool}\u0000${need.name}`, need);
  return [...byKey.values()];
}

/** Code-unit order, as std::map<std::string> iterates (not the locale's). */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
