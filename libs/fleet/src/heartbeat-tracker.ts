/**
 * Who is alive among processes that beat every `heartbeatMs`: one silent for `missedHeartbeats`
 * periods is taken to be dead. Pure bookkeeping with the clock passed in; its owner arms one timer
 * for `nextExpiry()` and calls `expire()` when it fires. (Executors have their own registry, which
 * also holds what they announced; this is for services that only say they are alive.)
 */
export class HeartbeatTracker {
  private readonly lastSeen = new Map<string, { at: number; heartbeatMs: number }>();

  constructor(private readonly missedHeartbeats = 3) {}

  /** Records a beat; true when the process was not known alive before (new, or back). */
  beat(id: string, heartbeatMs: number, now: number): boolean {
    const known = this.lastSeen.has(id);
    this.lastSeen.set(id, { at: now, heartbeatMs });
    return !known;
  }

  /** The process said it is going: it is no longer alive, without waiting for its silence. */
  leave(id: string): boolean {
    return this.lastSeen.delete(id);
  }

  /** Removes and returns every process silent for too long. */
  expire(now: number): string[] {
    const dead: string[] = [];
    for (const [id, seen] of this.lastSeen) {
      if (now > seen.at + seen.heartbeatMs * this.missedHeartbeats) dead.push(id);
    }
    for (const id of dead) this.lastSeen.delete(id);
    return dead;
  }

  /** When the next process falls silent for too long, if none beats before; undefined when none is known. */
  nextExpiry(): number | undefined {
    let next: number | undefined;
    for (const seen of this.lastSeen.values()) next = Math.min(next ?? Infinity, seen.at + seen.heartbeatMs * this.missedHeartbeats);
    return next;
  }

  get alive(): number {
    return this.lastSeen.size;
  }

  /** The processes alive now. */
  ids(): IterableIterator<string> {
    return this.lastSeen.keys();
  }

  /** Forgets everyone (this process could hear nobody for a while). */
  clear(): void {
    this.lastSeen.clear();
  }
}
