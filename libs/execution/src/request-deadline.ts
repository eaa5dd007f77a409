import { unavailable } from '@flotilla/contracts';

/** Triton's text for a request that waited past its timeout (UNAVAILABLE, HTTP 503). */
export const REQUEST_TIMEOUT_EXPIRED = 'Request timeout expired';

/**
 * Refuses a request whose deadline (epoch ms) has passed: nobody waits for its answer any more,
 * so running it would only delay the requests behind it.
 */
export function refuseExpiredRequest(deadlineMs: number, nowMs: number): void {
  if (deadlineMs <= nowMs) throw unavailable(REQUEST_TIMEOUT_EXPIRED);
}
