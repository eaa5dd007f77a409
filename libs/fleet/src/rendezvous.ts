/**
 * Which scheduler owns a model: rendezvous (highest-random-weight) hashing over the schedulers
 * alive now. Every gateway computes it alone from the same membership (the schedulers' beats) and
 * gets the same answer, with no coordination. It is stable: when a scheduler joins, only the
 * models it now wins move to it; when one goes, only its own models move, each to the scheduler
 * that scored second for it — the others keep their owners and their queues.
 */
export function ownerOf(key: string, schedulerIds: Iterable<string>): string | undefined {
  let owner: string | undefined;
  let best = -1;
  for (const id of schedulerIds) {
    const score = weight(key, id);
    // Ties (vanishingly rare with 32 bits) go to the smaller id, so every gateway agrees.
    if (score > best || (score === best && owner !== undefined && id < owner)) {
      best = score;
      owner = id;
    }
  }
  return owner;
}

/**
 * The owners of many keys over one membership, remembered until the membership changes: a
 * gateway looks up the owner of every request's model, and hashing it again each time would
 * cost more than the map lookup.
 */
export class Ownership {
  private readonly owners = new Map<string, string | undefined>();
  private members: readonly string[] = [];

  /** The schedulers alive now; forgets every owner computed over the previous set. */
  setMembers(schedulerIds: Iterable<string>): void {
    this.members = [...schedulerIds].sort();
    this.owners.clear();
  }

  get schedulers(): readonly string[] {
    return this.members;
  }

  ownerOf(key: string): string | undefined {
    if (this.owners.has(key)) return this.owners.get(key);
    const owner = ownerOf(key, this.members);
    this.owners.set(key, owner);
    return owner;
  }
}

/** The weight of `id` for `key`: FNV-1a over both, then a 32-bit avalanche so that close ids spread. */
function weight(key: string, id: string): number {
  let hash = 0x811c9dc5;
  hash = fnv(hash, key);
  hash = Math.imul(hash ^ 0xff, 0x01000193); // a separator: ("ab","c") and ("a","bc") differ
  hash = fnv(hash, id);
  // murmur3's finaliser
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

function fnv(seed: number, text: string): number {
  let hash = seed;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash;
}
