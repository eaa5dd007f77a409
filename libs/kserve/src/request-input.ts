import { elementCount, invalidArg, isDatatype, type Tensor } from '@flotilla/contracts';
import type { BinaryTail } from './binary-tail';
import { jsonDataToBytes } from './json-data-to-bytes';
import { describeJsonValue, isJsonObject } from './json-values';
import { refuseUnsupportedInputParameters } from './parameter-rules';
import { parseParameters, sizeParameter } from './parameters';
import { checkRawByteSize, rawInputTensor } from './raw-tensor';
import { validateShape } from './tensor-shape';

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
  refuseUnsupportedInputParameters(parameters, owner);

  const binarySize = sizeParameter(parameters, 'binary_data_size', owner);
  if (binarySize === undefined) {
    if (raw.data === undefined) throw invalidArg(`${owner} has neither 'data' nor a binary_data_size parameter`);
    return { name, datatype, shape, data: jsonDataToBytes(raw.data, datatype, elementCount(shape), name) };
  }
  if (raw.data !== undefined) throw invalidArg(`${owner} has both 'data' and a binary_data_size parameter`);
  // The size is checked before the bytes are taken, so a wrong size names itself rather than
  // showing up as a shortfall of binary data further on.
  checkRawByteSize(name, datatype, shape, binarySize);
  return rawInputTensor(name, datatype, shape, binaryTail.take(binarySize, name));
}
