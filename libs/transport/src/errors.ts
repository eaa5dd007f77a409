import { FlotillaError, unavailable } from '@flotilla/contracts';

/**
 * Turns a NATS client failure into the error a caller should see: nobody subscribed means the
 * service behind the subject is not running (UNAVAILABLE, retryable), a timeout means it did not
 * answer in time.
 */
export function busError(error: unknown, what: string): FlotillaError {
  if (error instanceof FlotillaError) return error;
  const text = describe(error);
  if (/no responders/i.test(text)) return unavailable(`${what}: no service is listening (is it running?)`);
  if (/timeout/i.test(text)) return unavailable(`${what}: no answer before the deadline`);
  return unavailable(`${what}: ${text}`);
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error ? `${error.message} (${cause.message})` : error.message;
}
