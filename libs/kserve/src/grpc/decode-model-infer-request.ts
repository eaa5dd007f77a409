import { invalidArg, isDatatype, type Tensor } from '@flotilla/contracts';
import { withRequestId } from '../decode-infer-request';
import { describeJsonValue } from '../json-values';
import type { InferRequest, RequestedOutput } from '../infer-request';
import { assertUniqueNames, refuseHttpOnlyParameters, refuseUnsupportedInputParameters, refuseUnsupportedOutputParameters } from '../parameter-rules';
import { rawInputTensor } from '../raw-tensor';
import { refuseSequenceParameters } from '../sequence-parameters';
import { validateShape } from '../tensor-shape';
import type { InferInputTensorMessage, InferRequestedOutputTensorMessage, ModelInferRequestMessage } from './grpc-messages';
import { inferParametersToScalars } from './infer-parameters';
import { filledContentsFields, typedContentsToBytes } from './typed-contents';

/**
 * Decodes a gRPC ModelInferRequest into the InferRequest HTTP requests decode into, through the
 * same rules: datatypes, shapes, raw sizes and BYTES framing, duplicate names, unsupported and
 * HTTP-only parameters, the `[request id: <id>]` prefix. Inputs come either all from
 * `raw_input_contents` (one entry per input, in order) or each from its typed `contents`.
 */
export function decodeModelInferRequest(message: ModelInferRequestMessage): InferRequest {
  const id = message.id || undefined;
  try {
    const parameters = inferParametersToScalars(message.parameters, 'the request');
    refuseHttpOnlyParameters(parameters, ['binary_data_output'], 'the request');
    refuseSequenceParameters(parameters);
    const raw = message.raw_input_contents;
    if (raw.length > 0 && raw.length !== message.inputs.length) {
      throw invalidArg(`the request has ${raw.length} raw_input_contents for ${message.inputs.length} inputs: give one per input, in input order, or none`);
    }
    const inputs = message.inputs.map((input, index) => decodeInput(input, index, raw.length > 0 ? raw[index] : undefined));
    assertUniqueNames(inputs.map((input) => input.name), 'input');
    const outputs = message.outputs.map(decodeRequestedOutput);
    assertUniqueNames(outputs.map((output) => output.name), 'output');
    const request = { parameters, inputs, outputs, binaryDataOutput: false };
    return id === undefined ? request : { id, ...request };
  } catch (error) {
    throw withRequestId(error, id);
  }
}

function decodeInput(input: InferInputTensorMessage, index: number, raw: Uint8Array | undefined): Tensor {
  const { name, datatype } = input;
  if (!isDatatype(datatype)) throw invalidArg(`input '${name}' has an invalid datatype: ${describeJsonValue(datatype)}`);
  const shape = validateShape(input.shape.map(Number), name);
  const owner = `input '${name}'`;
  const parameters = inferParametersToScalars(input.parameters, owner);
  refuseUnsupportedInputParameters(parameters, owner);
  refuseHttpOnlyParameters(parameters, ['binary_data_size'], owner);
  if (raw === undefined) return { name, datatype, shape, data: typedContentsToBytes(input.contents, datatype, shape, name) };
  const filled = filledContentsFields(input.contents);
  if (filled.length > 0) {
    throw invalidArg(`input '${name}' has both contents.${filled[0]} and raw_input_contents[${index}]: send each input one way`);
  }
  return rawInputTensor(name, datatype, shape, raw);
}

function decodeRequestedOutput(output: InferRequestedOutputTensorMessage): RequestedOutput {
  const owner = `output '${output.name}'`;
  const parameters = inferParametersToScalars(output.parameters, owner);
  refuseUnsupportedOutputParameters(parameters, owner);
  refuseHttpOnlyParameters(parameters, ['binary_data'], owner);
  return { name: output.name, parameters };
}
