import { elementCount, invalidArg, isDatatype, FlotillaError, type Datatype, type Tensor } from '@flotilla/contracts';
import type { BinaryTail } from './binary-tail';
import { countBytesElements } from './bytes-elements';
import { jsonDataToBytes } from './json-data-to-bytes';
import { describeJsonValue, isJsonObject } from './json-values';
import { parseParameters, sizeParameter } from './parameters';
import { fixedByteSize, validateShape } from './tensor-shape';

/**
 * Decodes one entry of the request's `inputs` array into a Tensor: its bytes come either from its
 * JSON `data` or, with a `binary_data_size` parameter, from the binary tail of the body.
 */
export function decodeRequestInput(raw: unknown, index: number, binaryTail: BinaryTail): Tensor {
  if (!isJsonObject(raw)) throw invalidArg(`input ${index} of the request must be a JSON object, got ${describeJsonValue(raw)}`);
  const { name, datatype } = raw;
  if (typeof name !== 'string') throw invalidArg(`input ${index} of the request has no 'name' string`);
  if (!isDatatype(datatype)) throw invalidArg(`input '${name}' has an invalid datatype: ${describeJsonValue(datatype)}`);
  const shape = validateShape(raw.shape, name);
  const owner = `input '${name}'`;
  const parameters = parseParameters(raw.parameters, owner);
  if (parameters.shared_memory_region !== undefined) {
    throw new FlotillaError('UNSUPPORTED', `${owner} uses shared memory, which Flotilla does not support`);
  }

  const binarySize = sizeParameter(parameters, 'binary_data_size', owner);
  if (binarySize === undefined) {
    if (raw.data === undefined) throw invalidArg(`${owner} has neither 'data' nor a binary_data_size parameter`);
    return { name, datatype, shape, data: jsonDataToBytes(raw.data, datatype, elementCount(shape), name) };
  }
  if (raw.data !== undefined) throw invalidArg(`${owner} has both 'data' and a binary_data_size parameter`);
  checkBinarySize(binarySize, datatype, shape, name);
  const data = binaryTail.take(binarySize, name);
  if (datatype === 'BYTES') checkBytesFraming(data, shape, name);
  return { name, datatype, shape, data };
}

function checkBinarySize(size: number, datatype: Datatype, shape: readonly number[], name: string): void {
  const expected = fixedByteSize(datatype, shape);
  if (expected !== undefined && size !== expected) {
    throw invalidArg(`unexpected total byte size ${size} for input '${name}', expecting ${expected}`);
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
