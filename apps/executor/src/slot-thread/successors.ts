import type { SlotHandOver } from '@flotilla/contracts';

/**
 * Who each of a gated slot's granted payloads hands its rate-limiter resources to when its
 * execution ends: the successor the rate limiter named with the grant (`SlotGo.next`) or later
 * (`SlotSuccessor`), the latest word winning. Only payloads granted here and not yet finished are
 * known; a word about any other (it finished already, or it was given up) is ignored, and a few
 * are kept at most, since a grant for a payload given up never finishes here.
 *
 *   go(token, next?) ──▶ granted ──update(token, next)──▶ granted ──finish(token)──▶ its successor, or none
 */
export class Successors {
  private readonly byToken = new Map<string, SlotHandOver | null>();

  constructor(private readonly kept = 32) {}

  /** The payload parked with `token` has its grant (from the rate limiter, or handed over here). */
  granted(token: string, next: SlotHandOver | null = null): void {
    this.byToken.delete(token);
    this.byToken.set(token, next);
    if (this.byToken.size > this.kept) this.byToken.delete(this.byToken.keys().next().value!);
  }

  /** The rate limiter changed its successor while it executes; ignored once it finished. */
  update(token: string, next: SlotHandOver | null): void {
    if (this.byToken.has(token)) this.byToken.set(token, next);
  }

  /** Its execution ended (or it was given up): the slot to hand its resources to, if any. */
  finish(token: string): SlotHandOver | undefined {
    const next = this.byToken.get(token) ?? undefined;
    this.byToken.delete(token);
    return next;
  }
}
