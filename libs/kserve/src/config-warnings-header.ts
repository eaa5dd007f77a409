/**
 * The HTTP header with which `GET /v2/models/<m>/config` tells the client which of the model's
 * settings Flotilla accepted without acting on (ModelRecord.warnings), so that the config's JSON
 * stays exactly Triton's. Absent when there are none.
 */
export const CONFIG_WARNINGS_HEADER = 'Flotilla-Config-Warnings';

/**
 * The header's value: a JSON array of the warnings, every character outside printable ASCII
 * escaped as `\uXXXX` (still valid JSON), since warnings quote names from the config and a
 * header value may hold neither line breaks nor, portably, anything beyond ASCII.
 */
export function configWarningsHeaders(warnings: readonly string[] | undefined): Record<string, string> {
  if (!warnings || warnings.length === 0) return {};
  const value = JSON.stringify(warnings).replace(/[^\x20-\x7e]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return { [CONFIG_WARNINGS_HEADER]: value };
}
