import type { InferResponse } from '../encode-infer-response';
import type { RequestedOutput } from '../infer-request';
import { checkRawOutputSize, selectOutputs } from '../select-outputs';
import type { ModelInferResponseMessage, ModelStreamInferResponseMessage } from './grpc-messages';
import { scalarsToInferParameters } from './infer-parameters';

/**
 * A ModelInferResponse as Triton's gRPC frontend writes one: every output's bytes in
 * `raw_output_contents` (in output order, as views of the result, not copies), the request's id,
 * and the version as a string. Outputs are those the request named, or all of them.
 */
export function encodeModelInferResponse(response: InferResponse, requested: readonly RequestedOutput[]): ModelInferResponseMessage {
  const selected = selectOutputs(response.outputs, requested).map(({ tensor }) => tensor);
  for (const tensor of selected) checkRawOutputSize(tensor);
  return {
    model_name: response.modelName,
    model_version: String(response.modelVersion),
    id: response.id ?? '',
    parameters: scalarsToInferParameters(response.parameters),
    outputs: selected.map((tensor) => ({ name: tensor.name, datatype: tensor.datatype, shape: tensor.shape, parameters: {} })),
    raw_output_contents: selected.map((tensor) => tensor.data),
  };
}

/**
 * A stream's answer to a request that failed: the error, and the request's id (with the model it
 * named) so the client can tell which of its requests it ends. The stream itself goes on.
 */
export function streamErrorResponse(message: string, request: { id: string; model_name: string; model_version: string }): ModelStreamInferResponseMessage {
  return {
    error_message: message,
    infer_response: { model_name: request.model_name, model_version: request.model_version, id: request.id, parameters: {}, outputs: [], raw_output_contents: [] },
  };
}
