import { invalidArg } from '@flotilla/contracts';
import { parseRequestJson } from './parse-request-json';

/**
 * The optional JSON body of `POST /v2/repository/index`: `{"ready": true}` lists only READY
 * versions. Any other key is refused rather than ignored.
 */
export function parseRepositoryIndexBody(body: Buffer): { readyOnly: boolean } {
  if (body.byteLength === 0) return { readyOnly: false };
  const json = parseRequestJson(body, body.byteLength);
  for (const key of Object.keys(json)) {
    if (key !== 'ready') throw invalidArg(`unexpected key '${key}' in the repository index request: only 'ready' is understood`);
  }
  if (json.ready !== undefined && typeof json.ready !== 'boolean') throw invalidArg("Invalid value for 'ready': expected a boolean");
  return { readyOnly: json.ready === true };
}
