import { elementCount, elementSize, invalidArg, type Datatype } from '@flotilla/contracts';

/**
 * Checks that `shape` is a list of non-negative integer dimensions, returning it typed.
 * The element count must stay an exact integer so that byte-size arithmetic cannot silently round.
 */
export function validateShape(shape: unknown, inputName: string): number[] {
  if (!Array.isArray(shape)) throw invalidArg(`input '${inputName}' is missing a 'shape' array`);
  for (const dim of shape) {
    if (typeof dim !== 'number' || !Number.isInteger(dim) || dim < 0) {
      throw invalidArg(`input '${inputName}' has an invalid shape ${describeShape(shape)}: dimensions must be non-negative integers`);
    }
  }
  if (!Number.isSafeInteger(elementCount(shape) * 16)) {
    throw invalidArg(`input '${inputName}' has shape ${describeShape(shape)}, which holds too many elements`);
  }
  return shape as number[];
}

/** Byte length of a fixed-size tensor, or undefined for BYTES whose elements vary in length. */
export function fixedByteSize(datatype: Datatype, shape: readonly number[]): number | undefined {
  const size = elementSize(datatype);
  return size === undefined ? undefined : size * elementCount(shape);
}

/** Renders a shape for an error message without risking huge or nested output. */
export function describeShape(shape: readonly unknown[]): string {
  const dims = shape.slice(0, 16).map((dim) => (typeof dim === 'number' ? String(dim) : typeof dim));
  return `[${dims.join(',')}${shape.length > 16 ? ',...' : ''}]`;
}
