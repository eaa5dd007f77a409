/**
 * JSON as bytes, for the few JSON messages that travel on the raw client (a slot's release) and for
 * the control plane's codecs. Never used for tensors.
 */
export function encodeJson(value: unknown): Uint8Array {
  return Buffer.from(JSON.stringify(value ?? null), 'utf8');
}

export function decodeJson<T>(data: Uint8Array): T {
  return JSON.parse(Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8')) as T;
}
