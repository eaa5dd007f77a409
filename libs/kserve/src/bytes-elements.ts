/**
 * BYTES tensors: each element is a 4-byte little-endian length followed by that many bytes.
 */

/**
 * Number of length-prefixed elements in `data`, or undefined when the framing is broken (a length
 * that runs past the end, or stray bytes after the last element). Walks the prefixes only.
 */
export function countBytesElements(data: Uint8Array): number | undefined {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let offset = 0;
  let count = 0;
  while (offset < data.byteLength) {
    if (offset + 4 > data.byteLength) return undefined;
    offset += 4 + view.getUint32(offset, true);
    count++;
  }
  return offset === data.byteLength ? count : undefined;
}

/** Frames one element's bytes: its 4-byte length then the bytes themselves. */
export function frameBytesElement(element: Uint8Array): Uint8Array {
  const framed = new Uint8Array(4 + element.byteLength);
  new DataView(framed.buffer).setUint32(0, element.byteLength, true);
  framed.set(element, 4);
  return framed;
}
