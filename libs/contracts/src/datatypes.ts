/**
 * KServe v2 tensor datatypes, and how each maps to bytes on the wire.
 *
 * Every tensor that crosses a process boundary in Flotilla is a flat little-endian byte buffer
 * tagged with one of these names: the same bytes Triton's binary tensor extension carries.
 * BYTES elements are each a 4-byte little-endian length followed by that many bytes.
 */
export const DATATYPES = [
  'BOOL',
  'UINT8',
  'UINT16',
  'UINT32',
  'UINT64',
  'INT8',
  'INT16',
  'INT32',
  'INT64',
  'FP16',
  'FP32',
  'FP64',
  'BF16',
  'BYTES',
] as const;

export type Datatype = (typeof DATATYPES)[number];

const ELEMENT_SIZE: Record<Exclude<Datatype, 'BYTES'>, number> = {
  BOOL: 1,
  UINT8: 1,
  INT8: 1,
  UINT16: 2,
  INT16: 2,
  FP16: 2,
  BF16: 2,
  UINT32: 4,
  INT32: 4,
  FP32: 4,
  UINT64: 8,
  INT64: 8,
  FP64: 8,
};

export function isDatatype(value: unknown): value is Datatype {
  return typeof value === 'string' && (DATATYPES as readonly string[]).includes(value);
}

/** Bytes per element, or undefined for BYTES, whose elements vary in length. */
export function elementSize(datatype: Datatype): number | undefined {
  return datatype === 'BYTES' ? undefined : ELEMENT_SIZE[datatype];
}

/** Number of elements in a tensor of this shape (1 for a scalar, shape []). */
export function elementCount(shape: readonly number[]): number {
  let count = 1;
  for (const dim of shape) count *= dim;
  return count;
}
