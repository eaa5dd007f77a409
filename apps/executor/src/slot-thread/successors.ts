import type { SlotHandOver } from '@flotilla/contracts';

/**
 * Who each of a gated slot's parked payloads hands its rate-limiter resources to when its
 * execution ends: the successor the rate limiter named with the grant (`SlotGo.next`), before it
 * (`SlotSuccessor` while the payload still waits, for one that will be handed the resources by
 * another slot) or while it executes — the latest word winning. Tokens are never reused, so a word
 * about a payload that finished or was given up is harmless; only the newest few are kept.
 *
 *   name(token, next) ─┐
 *   granted(token, next?) ─┴─▶ known ──name(token, next)──▶ known ──finish(token)──▶ its successor, or none
 */
export class Successors {
  private readonly byToken = new Map<string, SlotHandOver | null>();

  constructor(private readonly kept = 32) {}

  /**
   * The payload parked with `token` has its grant: from the rate limiter, with what it predicts
   * (`next`; absent means none), or handed over by another slot (`next` undefined), when what the
   * rate limiter named in advance holds.
   */
  granted(token: string, next?: SlotHandOver | null): void {
    if (next !== undefined || !this.byToken.has(token)) this.name(token, next ?? null);
  }

  /** The rate limiter's word on the payload's successor (`null`: none now). */
  name(token: string, next: SlotHandOver | null): void {
    this.byToken.delete(token);
    this.byToken.set(token, next);
    if (this.byToken.size > this.kept) this.byToken.delete(this.byToken.keys().next().value!);
  }

  /** Its successor, as known now. */
  of(token: string): SlotHandOver | undefined {
    return this.byToken.get(token) ?? undefined;
  }

  /** Its execution ended (or it was given up): its successor, if any, forgotten here. */
  finish(token: string): SlotHandOver | undefined {
    const next = this.of(token);
    this.byToken.delete(token);
    return next;
  }
}
