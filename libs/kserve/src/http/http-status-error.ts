/**
 * An error whose HTTP status is not one of the Triton error codes' statuses: the transport limits
 * (405, 413, 414, 415, 431) belong to HTTP itself, not to inference, so they never travel over
 * NATS and need no FlotillaError code. `errorBody` honours the status.
 */
export class HttpStatusError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'HttpStatusError';
  }
}

/** The status of an HttpStatusError, also one built by another copy of this module. */
export function httpStatusOf(err: unknown): number | undefined {
  if (err instanceof HttpStatusError) return err.status;
  if (err instanceof Error && err.name === 'HttpStatusError') {
    const status = (err as { status?: unknown }).status;
    if (typeof status === 'number' && Number.isInteger(status) && status >= 400 && status <= 599) return status;
  }
  return undefined;
}
