import { elementSize, invalidArg, type Datatype } from '@flotilla/contracts';
import { frameBytesElement } from './bytes-elements';
import type { InferRequest } from './infer-request';

/** What a raw binary request needs to know about the model's only input. */
export interface RawInputModel {
  readonly name: string;
  readonly datatype: Datatype;
  /** The input's dims from the model config, -1 for a variable-sized dimension. */
  readonly shape: readonly number[];
  /**
   * True when the model batches (max_batch_size > 0): `shape` then excludes the batch dimension,
   * and the request is sent as a batch of one, so a leading 1 is put in front.
   */
  readonly batched?: boolean;
}

/**
 * A raw binary request (`Inference-Header-Content-Length: 0`): the whole body is the data of the
 * model's only input, whose shape is deduced from the body's length. All outputs come back binary.
 */
export function decodeRawBinaryRequest(body: Buffer, rawInput: RawInputModel | undefined, modelInputCount?: number): InferRequest {
  if (!rawInput) {
    throw invalidArg(
      modelInputCount === undefined
        ? 'Raw binary request requires the model to have exactly one input'
        : `Raw request must only have 1 input (found 1) to be deduced but got ${modelInputCount} inputs in the model configuration`,
    );
  }
  const shape = deduceRawShape(rawInput, body.byteLength);
  // BYTES: the body is one element's bytes, so it gets the length prefix every BYTES element has.
  const data = rawInput.datatype === 'BYTES' ? frameBytesElement(body) : body;
  return {
    parameters: {},
    inputs: [{ name: rawInput.name, datatype: rawInput.datatype, shape, data }],
    outputs: [],
    binaryDataOutput: true,
  };
}

function deduceRawShape(input: RawInputModel, byteLength: number): number[] {
  const { name, datatype } = input;
  const dims = [...input.shape];
  const variableAxes = dims.flatMap((dim, axis) => (dim === -1 ? [axis] : []));
  const knownCount = dims.reduce((count, dim) => (dim === -1 ? count : count * dim), 1);
  const batch = input.batched ? [1] : [];

  if (datatype === 'BYTES') {
    if (variableAxes.length > 0 || knownCount !== 1) {
      throw invalidArg(`For BYTE datatype raw input '${name}', the model must have input shape [1]`);
    }
    return [...batch, ...dims];
  }
  if (variableAxes.length > 1) {
    throw invalidArg(`The shape of the raw input '${name}' can not be deduced because there are more than one variable-sized dimension`);
  }
  const knownBytes = knownCount * (elementSize(datatype) ?? 1);
  if (variableAxes.length === 0) {
    if (byteLength !== knownBytes) {
      throw invalidArg(`unexpected total byte size ${byteLength} for raw input '${name}', expecting ${knownBytes}`);
    }
  } else if (knownBytes === 0 ? byteLength !== 0 : byteLength % knownBytes !== 0) {
    throw invalidArg(`unexpected total byte size ${byteLength} for raw input '${name}', expecting a multiple of ${knownBytes}`);
  } else {
    dims[variableAxes[0]] = knownBytes === 0 ? 0 : byteLength / knownBytes;
  }
  return [...batch, ...dims];
}
