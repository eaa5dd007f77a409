import { FlotillaError, unavailable } from '@flotilla/contracts';
import { BusDownError } from './bus-link';
import { NoRespondersError, RequestTimeoutError } from './reply-inbox';

/**
 * Turns a failed hot-path request into the error a caller should see, by the failure's type:
 * nobody subscribed means the service behind the subject is not running (UNAVAILABLE, retryable),
 * a timeout means it did not answer in time. A FlotillaError keeps its own code.
 */
export function busError(error: unknown, what: string): FlotillaError {
  if (error instanceof FlotillaError) return error;
  if (error instanceof BusDownError) return unavailable(`${what}: ${error.message}; Flotilla serves again as soon as it is back`);
  if (error instanceof NoRespondersError) return unavailable(`${what}: no service is listening (is it running?)`);
  if (error instanceof RequestTimeoutError) return unavailable(`${what}: no answer before the deadline`);
  return unavailable(`${what}: ${error instanceof Error ? error.message : String(error)}`);
}
