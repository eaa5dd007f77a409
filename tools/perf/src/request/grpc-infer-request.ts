// Builds a gRPC ModelInferRequest from a model's metadata, once, and serialises it: the load loop
// then sends the same bytes again and again, as the HTTP side sends one prepared body, so the
// client's cost per request is the round trip, not protobuf encoding.
import { INFERENCE_SERVICE, serializeRequest } from '@flotilla/kserve-grpc';
import { scalarsToInferParameters } from '@flotilla/kserve';
import type { RequestOptions } from './infer-request-body';
import type { ModelMetadata } from './model-metadata';
import { resolveShape } from './resolve-shape';
import { tensorValues } from './tensor-data';

export interface GrpcInferRequest {
  /** The serialised ModelInferRequest. */
  readonly bytes: Buffer;
  readonly tensorBytes: number;
  readonly shapes: Readonly<Record<string, readonly number[]>>;
}

/** Every input in raw_input_contents, as Triton's gRPC clients and perf_analyzer send them. */
export function buildGrpcInferRequest(metadata: ModelMetadata, model: string, version: string | undefined, options: RequestOptions): GrpcInferRequest {
  const shapes: Record<string, number[]> = {};
  const raw: Uint8Array[] = [];
  const inputs = metadata.inputs.map((input, index) => {
    const shape = resolveShape(input, options);
    shapes[input.name] = shape;
    raw.push(tensorValues(input.datatype, shape, options.inputData ?? 'random', (options.seed ?? 1) + index).bytes);
    return { name: input.name, datatype: input.datatype, shape };
  });
  const message = { model_name: model, model_version: version ?? '', inputs, raw_input_contents: raw, parameters: scalarsToInferParameters(options.parameters) };
  return { bytes: serializeRequest(INFERENCE_SERVICE, 'ModelInfer', message), tensorBytes: raw.reduce((sum, bytes) => sum + bytes.byteLength, 0), shapes };
}
