import { SUBJECTS, type GiveBackGrant, type ParkedStage, type StageSlots, type UnstageSlots } from '@flotilla/contracts';
import type { GrantGate, ParkedSlot } from '@flotilla/scheduling';
import { encodeJson, type MessageBus } from '@flotilla/transport';

/**
 * The scheduler's side of rate limiting, on the raw client: stage, unstage and give-back are
 * tiny and per request (hot path), so they skip the control plane's layers. Grants come back on
 * `SUBJECTS.rateLimiterGrant(schedulerId)` (InferIngress).
 */
export function busGrantGate(bus: MessageBus, schedulerId: string): GrantGate {
  return {
    // The reply subject only ever hears NATS' no-responders status: how the scheduler learns the
    // rate limiter is away without a round trip per stage.
    stage: (slots, parked = []) => {
      const message: StageSlots = { schedulerId, slots, ...(parked.length ? { parked: parked.map(parkedStage) } : {}) };
      bus.publish(SUBJECTS.rateLimiterStage, encodeJson(message), { reply: SUBJECTS.rateLimiterUnreachable(schedulerId) });
    },
    unstage: (slots) => bus.publish(SUBJECTS.rateLimiterUnstage, encodeJson({ slots } satisfies UnstageSlots)),
    giveBack: (slotId) => bus.publish(SUBJECTS.rateLimiterGiveBack, encodeJson({ slotId } satisfies GiveBackGrant)),
    abandonPark: (slotId, token) => bus.publish(SUBJECTS.rateLimiterGiveBack, encodeJson({ slotId, token } satisfies GiveBackGrant)),
  };
}

/** A parked stage as the rate limiter needs it: where the slot hears its grant. */
export function parkedStage({ slot, token }: ParkedSlot): ParkedStage {
  return { slotId: slot.slotId, token, go: SUBJECTS.slotGo(slot.subject) };
}
