import { invalidArg } from '@flotilla/contracts';
import type { LoadParameterValue } from '@flotilla/repository';
import { isJsonObject } from './json-values';
import { parseRequestJson } from './parse-request-json';

/**
 * The optional JSON body of `POST /v2/repository/models/<m>/load` and `.../unload`:
 * `{"parameters": {"<key>": <bool | number | string>}}`. The parameters' meaning is the
 * operation's to check; here only the shape: any other top-level key, or a parameter that is not a
 * scalar, is refused rather than ignored.
 */
export function parseRepositoryParametersBody(body: Buffer, operation: 'load' | 'unload'): Record<string, LoadParameterValue> {
  if (body.byteLength === 0) return {};
  const json = parseRequestJson(body, body.byteLength);
  for (const key of Object.keys(json)) {
    if (key !== 'parameters') throw invalidArg(`unexpected key '${key}' in the repository ${operation} request: only 'parameters' is understood`);
  }
  if (json.parameters === undefined) return {};
  if (!isJsonObject(json.parameters)) throw invalidArg(`'parameters' of the repository ${operation} request must be a JSON object`);
  const parameters: Record<string, LoadParameterValue> = {};
  for (const [key, value] of Object.entries(json.parameters)) {
    if (typeof value !== 'boolean' && typeof value !== 'number' && typeof value !== 'string') {
      throw invalidArg(`Unrecognized ${operation} parameter '${key}' with type '${value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value}'`);
    }
    Object.defineProperty(parameters, key, { value, enumerable: true });
  }
  return parameters;
}
