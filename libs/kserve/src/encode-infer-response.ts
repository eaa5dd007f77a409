import { elementCount, elementSize, internal, type Tensor } from '@flotilla/contracts';
import { bytesToJsonDataText } from './bytes-to-json-data';
import { INFERENCE_HEADER_CONTENT_LENGTH } from './header-length';
import type { InferRequest } from './infer-request';

export interface InferResponse {
  readonly id?: string;
  readonly modelName: string;
  readonly modelVersion: string;
  readonly outputs: readonly Tensor[];
  readonly parameters?: Record<string, unknown>;
}

export interface EncodedInferResponse {
  readonly headers: Record<string, string>;
  /** The JSON part, then each binary output's bytes (views, not copies), to be written in order. */
  readonly body: Buffer[];
}

/**
 * Encodes an inference response the way Triton does: `id` only when non-empty, `model_version` as
 * a string, only the outputs the request listed (all when it listed none), and each output binary
 * when its own `binary_data` says so, else when the request's `binary_data_output` does.
 */
export function encodeInferResponse(response: InferResponse, request: Pick<InferRequest, 'outputs' | 'binaryDataOutput'>): EncodedInferResponse {
  // Built as text, not via JSON.stringify of an object, so data arrays can be written exactly
  // (see bytes-to-json-data.ts) and field order matches Triton's.
  let json = '{';
  if (response.id) json += `"id":${JSON.stringify(response.id)},`;
  json += `"model_name":${JSON.stringify(response.modelName)},"model_version":${JSON.stringify(String(response.modelVersion))}`;
  if (response.parameters && Object.keys(response.parameters).length > 0) json += `,"parameters":${JSON.stringify(response.parameters)}`;
  json += ',"outputs":[';

  const binaryParts: Buffer[] = [];
  selectOutputs(response.outputs, request).forEach(({ tensor, binary }, index) => {
    if (index > 0) json += ',';
    json += `{"name":${JSON.stringify(tensor.name)},"datatype":"${tensor.datatype}","shape":[${tensor.shape.join(',')}]`;
    if (binary) {
      checkFixedSize(tensor);
      json += `,"parameters":{"binary_data_size":${tensor.data.byteLength}}}`;
      binaryParts.push(Buffer.from(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength));
    } else {
      json += `,"data":${bytesToJsonDataText(tensor)}}`;
    }
  });
  json += ']}';

  const header = Buffer.from(json, 'utf8');
  if (binaryParts.length === 0) return { headers: { 'Content-Type': 'application/json' }, body: [header] };
  return {
    headers: { 'Content-Type': 'application/octet-stream', [INFERENCE_HEADER_CONTENT_LENGTH]: String(header.byteLength) },
    body: [header, ...binaryParts],
  };
}

interface SelectedOutput {
  readonly tensor: Tensor;
  readonly binary: boolean;
}

function selectOutputs(outputs: readonly Tensor[], request: Pick<InferRequest, 'outputs' | 'binaryDataOutput'>): SelectedOutput[] {
  if (request.outputs.length === 0) return outputs.map((tensor) => ({ tensor, binary: request.binaryDataOutput }));
  return request.outputs.map((requested) => {
    const tensor = outputs.find((output) => output.name === requested.name);
    if (!tensor) throw internal(`the model produced no output '${requested.name}', which the request asked for`);
    return { tensor, binary: requested.binary ?? request.binaryDataOutput };
  });
}

/** A binary output whose length contradicts its shape would desynchronise the client's parser. */
function checkFixedSize(tensor: Tensor): void {
  const size = elementSize(tensor.datatype);
  if (size !== undefined && tensor.data.byteLength !== size * elementCount(tensor.shape)) {
    throw internal(`output '${tensor.name}' has ${tensor.data.byteLength} bytes, but shape [${tensor.shape.join(',')}] of ${tensor.datatype} needs ${size * elementCount(tensor.shape)}`);
  }
}
