import { isUtf8 } from 'node:buffer';
import { invalidArg } from '@flotilla/contracts';
import { isJsonObject, type JsonObject } from './json-values';

/**
 * Parses the JSON part of an inference request. V8's JSON.parse does not recurse on the native
 * stack, so deeply nested bodies parse (or fail) without crashing; everything downstream that
 * walks nested values is depth-limited. JSON is UTF-8 text: a body that is not is refused rather
 * than decoded with replacement characters, which would change the strings (BYTES elements) in it.
 */
export function parseRequestJson(body: Buffer, length: number): JsonObject {
  if (!isUtf8(body.subarray(0, length))) {
    throw invalidArg('failed to parse the request JSON buffer: it is not valid UTF-8 (send BYTES elements that are not text in binary form: the binary tensor data extension)');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8', 0, length));
  } catch (error) {
    throw invalidArg(`failed to parse the request JSON buffer: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!isJsonObject(parsed)) throw invalidArg('failed to parse the request JSON buffer: the request must be a JSON object');
  return parsed;
}
