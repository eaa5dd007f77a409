// BYTES tensors on the wire are a run of elements, each a 4-byte little-endian length and that many
// bytes; onnxruntime-node holds them as a string[] (UTF-8). These convert between the two.
import { FlotillaError } from '@flotilla/contracts';

const LENGTH_PREFIX = 4;

export function decodeBytesElements(data: Uint8Array, count: number, tensorName: string): string[] {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const decoder = new TextDecoder();
  const elements: string[] = new Array(count);
  let offset = 0;
  for (let i = 0; i < count; i++) {
    if (offset + LENGTH_PREFIX > data.byteLength) throw truncated(tensorName, i, count);
    const length = view.getUint32(offset, true);
    offset += LENGTH_PREFIX;
    if (offset + length > data.byteLength) throw truncated(tensorName, i, count);
    elements[i] = decoder.decode(data.subarray(offset, offset + length));
    offset += length;
  }
  if (offset !== data.byteLength) {
    throw new FlotillaError('INVALID_ARG', `BYTES tensor '${tensorName}': ${data.byteLength - offset} byte(s) left over after ${count} element(s)`);
  }
  return elements;
}

export function encodeBytesElements(elements: readonly string[]): Uint8Array {
  const encoder = new TextEncoder();
  const encoded = elements.map((element) => encoder.encode(element));
  const total = encoded.reduce((sum, bytes) => sum + LENGTH_PREFIX + bytes.byteLength, 0);
  const data = new Uint8Array(total);
  const view = new DataView(data.buffer);
  let offset = 0;
  for (const bytes of encoded) {
    view.setUint32(offset, bytes.byteLength, true);
    data.set(bytes, offset + LENGTH_PREFIX);
    offset += LENGTH_PREFIX + bytes.byteLength;
  }
  return data;
}

function truncated(tensorName: string, index: number, count: number): FlotillaError {
  return new FlotillaError('INVALID_ARG', `BYTES tensor '${tensorName}': data ends inside element ${index} of ${count}`);
}
