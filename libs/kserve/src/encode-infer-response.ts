import type { Tensor } from '@flotilla/contracts';
import { bytesToJsonDataText } from './bytes-to-json-data';
import { INFERENCE_HEADER_CONTENT_LENGTH } from './header-length';
import type { InferRequest } from './infer-request';
import { checkRawOutputSize, selectOutputs } from './select-outputs';

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
  selectOutputs(response.outputs, request.outputs).forEach(({ tensor, requested }, index) => {
    const binary = requested?.binary ?? request.binaryDataOutput;
    if (index > 0) json += ',';
    json += `{"name":${JSON.stringify(tensor.name)},"datatype":"${tensor.datatype}","shape":[${tensor.shape.join(',')}]`;
    if (binary) {
      checkRawOutputSize(tensor);
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
