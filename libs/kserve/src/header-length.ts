import { invalidArg } from '@flotilla/contracts';

/** Name of the header that gives the JSON part's length in a binary-data request or response. */
export const INFERENCE_HEADER_CONTENT_LENGTH = 'Inference-Header-Content-Length';

/**
 * Parses the `Inference-Header-Content-Length` header value as Node delivers it (undefined when
 * absent). Only plain non-negative decimal integers are accepted: "12abc" or "-1" is a client bug
 * that would otherwise split the body in the wrong place.
 */
export function parseInferenceHeaderLength(value: string | readonly string[] | undefined): number | undefined {
  if (value === undefined) return undefined;
  const text = (typeof value === 'string' ? value : value.join(',')).trim();
  const length = /^[0-9]{1,15}$/.test(text) ? Number(text) : NaN;
  if (Number.isNaN(length)) {
    throw invalidArg(`${INFERENCE_HEADER_CONTENT_LENGTH} must be a non-negative integer, got '${text.slice(0, 40)}'`);
  }
  return length;
}

/** Checks the parsed header length against the body it is meant to split. */
export function checkHeaderLength(headerLength: number, bodyLength: number): void {
  if (!Number.isInteger(headerLength) || headerLength < 0 || headerLength > bodyLength) {
    throw invalidArg(`inference header size should be in range (0, ${bodyLength}), got: ${headerLength}`);
  }
}
