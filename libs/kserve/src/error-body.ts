import { asFlotillaError } from '@flotilla/contracts';
import { httpStatusOf } from './http/http-status-error';

export interface HttpErrorBody {
  readonly status: number;
  /** `{"error":"<message>"}`, Triton's error body for every HTTP error. */
  readonly body: string;
}

/**
 * The HTTP status and body for an error: an HttpStatusError's status (transport limits), a
 * FlotillaError's own status, 500 for anything else.
 * The message is kept either way; it is what the client needs to fix its request.
 */
export function errorBody(err: unknown): HttpErrorBody {
  const status = httpStatusOf(err) ?? asFlotillaError(err)?.httpStatus ?? 500;
  const message = err instanceof Error ? err.message : String(err);
  return { status, body: JSON.stringify({ error: message }) };
}

/** Bodies for requests that match no route (Triton's exact texts, checklist 59). */
export const NOT_FOUND: HttpErrorBody = { status: 404, body: JSON.stringify({ error: 'Not Found' }) };
export const METHOD_NOT_ALLOWED: HttpErrorBody = { status: 405, body: JSON.stringify({ error: 'Method Not Allowed' }) };
