import { FlotillaError, invalidArg } from '@flotilla/contracts';
import { BinaryTail } from './binary-tail';
import { checkHeaderLength } from './header-length';
import type { InferRequest } from './infer-request';
import type { JsonObject } from './json-values';
import { assertUniqueNames } from './parameter-rules';
import { booleanParameter, parseParameters } from './parameters';
import { decodeRawBinaryRequest, type RawInputModel } from './raw-binary-request';
import { parseRequestJson } from './parse-request-json';
import { decodeRequestInput } from './request-input';
import { parseRequestedOutputs } from './requested-outputs';
import { refuseSequenceParameters } from './sequence-parameters';

export interface DecodeInferRequestOptions {
  /** The model's only input, for raw binary requests; leave undefined when it has several. */
  readonly rawInput?: RawInputModel;
  /** How many inputs the model has, so a refused raw binary request can say so. */
  readonly modelInputCount?: number;
}

/**
 * Decodes an HTTP inference request body into tensors of raw bytes.
 *
 * `headerLength` is the parsed `Inference-Header-Content-Length`: undefined for an all-JSON body,
 * 0 for a raw binary request, otherwise the length of the JSON part, after which come the binary
 * inputs. Every problem with the request is a FlotillaError (INVALID_ARG unless noted).
 */
export function decodeInferRequest(body: Buffer, headerLength: number | undefined, opts: DecodeInferRequestOptions = {}): InferRequest {
  if (headerLength === 0) return decodeRawBinaryRequest(body, opts.rawInput, opts.modelInputCount);
  if (headerLength !== undefined) checkHeaderLength(headerLength, body.byteLength);
  const jsonLength = headerLength ?? body.byteLength;
  const json = parseRequestJson(body, jsonLength);
  const id = json.id;
  if (id !== undefined && typeof id !== 'string') throw invalidArg(`'id' of the request must be a string, got ${typeof id}`);
  try {
    return decodeJsonRequest(json, id, new BinaryTail(body, jsonLength));
  } catch (error) {
    throw withRequestId(error, id);
  }
}

function decodeJsonRequest(json: JsonObject, id: string | undefined, binaryTail: BinaryTail): InferRequest {
  const parameters = parseParameters(json.parameters, 'the request');
  refuseSequenceParameters(parameters);
  const binaryDataOutput = booleanParameter(parameters, 'binary_data_output', 'the request') ?? false;
  if (!Array.isArray(json.inputs)) throw invalidArg("the request has no 'inputs' array");

  const inputs = json.inputs.map((raw: unknown, index) => decodeRequestInput(raw, index, binaryTail));
  binaryTail.assertFullyConsumed();
  assertUniqueNames(inputs.map((input) => input.name), 'input');
  const outputs = parseRequestedOutputs(json.outputs);
  return id === undefined ? { parameters, inputs, outputs, binaryDataOutput } : { id, parameters, inputs, outputs, binaryDataOutput };
}

/** Triton prefixes request-validation errors with the request's id, so clients can match them up. */
export function withRequestId(error: unknown, id: string | undefined): unknown {
  if (!id || !(error instanceof FlotillaError)) return error;
  return new FlotillaError(error.code, `[request id: ${id}] ${error.message}`);
}
