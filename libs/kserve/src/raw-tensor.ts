import { elementCount, invalidArg, type Datatype, type Tensor } from '@flotilla/contracts';
import { countBytesElements } from './bytes-elements';
import { fixedByteSize } from './tensor-shape';

/**
 * An input whose bytes came raw — HTTP's binary tensor extension or gRPC's raw_input_contents —
 * checked against its datatype and shape before it travels on: a fixed-size tensor must have
 * exactly its size, and BYTES must be well-framed with one element per shape element.
 */
export function rawInputTensor(name: string, datatype: Datatype, shape: number[], data: Uint8Array): Tensor {
  checkRawByteSize(name, datatype, shape, data.byteLength);
  if (datatype === 'BYTES') checkBytesFraming(data, shape, name);
  return { name, datatype, shape, data };
}

/** A fixed-size tensor's raw bytes must be exactly its shape's worth (BYTES varies: not checked here). */
export function checkRawByteSize(name: string, datatype: Datatype, shape: readonly number[], byteLength: number): void {
  const expected = fixedByteSize(datatype, shape);
  if (expected !== undefined && byteLength !== expected) {
    throw invalidArg(`unexpected total byte size ${byteLength} for input '${name}', expecting ${expected}`);
  }
}

/** Backends index BYTES elements by their length prefixes, so broken framing must stop here. */
function checkBytesFraming(data: Uint8Array, shape: readonly number[], name: string): void {
  const expected = elementCount(shape);
  const found = countBytesElements(data);
  if (found === undefined) {
    throw invalidArg(`binary data of BYTES input '${name}' is not a sequence of 4-byte length-prefixed elements`);
  }
  if (found !== expected) {
    throw invalidArg(`unexpected number of elements for input '${name}': expected ${expected}, got ${found}`);
  }
}
