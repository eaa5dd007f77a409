// BYTES tensors on the wire are a run of elements, each a 4-byte little-endian length and that many
// bytes. These split such a run into its elements and join elements back into one: bytes in, bytes
// out, whatever they hold (text or not). How a backend hands them to a model is its own business:
// javascript models get the byte views; ONNX string tensors get ort-string-codec's strings.
import { FlotillaError } from '@flotilla/contracts';

const LENGTH_PREFIX = 4;

/** Each element as a Buffer viewing `data` (no copy). */
export function decodeBytesElements(data: Uint8Array, count: number, tensorName: string): Buffer[] {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const elements: Buffer[] = new Array(count);
  let offset = 0;
  for (let i = 0; i < count; i++) {
    if (offset + LENGTH_PREFIX > data.byteLength) throw truncated(tensorName, i, count);
    const length = view.getUint32(offset, true);
    offset += LENGTH_PREFIX;
    if (offset + length > data.byteLength) throw truncated(tensorName, i, count);
    elements[i] = Buffer.from(data.buffer, data.byteOffset + offset, length);
    offset += length;
  }
  if (offset !== data.byteLength) {
    throw new FlotillaError('INVALID_ARG', `BYTES tensor '${tensorName}': ${data.byteLength - offset} byte(s) left over after ${count} element(s)`);
  }
  return elements;
}

/** Frames elements into one BYTES run; a string element is written as its UTF-8 bytes. */
export function encodeBytesElements(elements: readonly (Uint8Array | string)[]): Uint8Array {
  const encoded = elements.map((element) => (typeof element === 'string' ? Buffer.from(element, 'utf8') : element));
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
