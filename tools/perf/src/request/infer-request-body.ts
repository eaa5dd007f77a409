// Builds the body of a KServe v2 inference request from a model's metadata, once, before the
// measurement starts: the load loop then sends the same prepared Buffer again and again, so the
// client's own cost per request is only the HTTP round trip.
import type { ModelMetadata } from './model-metadata';
import { resolveShape, type ShapeChoice } from './resolve-shape';
import { tensorValues, type InputDataMode } from './tensor-data';

/** How requests travel: KServe v2 over HTTP with JSON or binary tensors, or over gRPC (raw contents). */
export type WireProtocol = HttpWireProtocol | 'grpc';
export type HttpWireProtocol = 'json' | 'binary';

/** What a request is made of, whatever the protocol. */
export interface RequestOptions extends ShapeChoice {
  readonly inputData?: InputDataMode;
  readonly seed?: number;
  /** Extra request-level parameters, e.g. `{ flotilla_execution_info: true }`. */
  readonly parameters?: Readonly<Record<string, string | number | boolean>>;
}

export interface RequestBodyOptions extends RequestOptions {
  readonly protocol: HttpWireProtocol;
}

export interface InferRequestBody {
  readonly body: Buffer;
  readonly headers: Readonly<Record<string, string>>;
  /** Bytes of tensor data the request carries (its inputs' raw size), for MB/s figures. */
  readonly tensorBytes: number;
  /** The concrete shape each input is sent with. */
  readonly shapes: Readonly<Record<string, readonly number[]>>;
}

/** Triton's binary tensor extension: the JSON header's length, so the server can find the binary part. */
export const HEADER_LENGTH_HEADER = 'Inference-Header-Content-Length';

/**
 * JSON: inputs as `data` arrays, outputs returned as JSON. Binary: inputs appended after the JSON
 * header (`binary_data_size`), outputs asked for in binary too (`binary_data_output`), as
 * perf_analyzer and Triton's clients do by default over HTTP.
 */
export function buildInferRequestBody(metadata: ModelMetadata, options: RequestBodyOptions): InferRequestBody {
  const binary = options.protocol === 'binary';
  const shapes: Record<string, number[]> = {};
  const binaryParts: Uint8Array[] = [];
  let tensorBytes = 0;

  const inputs = metadata.inputs.map((input, index) => {
    const shape = resolveShape(input, options);
    shapes[input.name] = shape;
    const values = tensorValues(input.datatype, shape, options.inputData ?? 'random', (options.seed ?? 1) + index);
    tensorBytes += values.bytes.byteLength;
    const described = { name: input.name, shape, datatype: input.datatype };
    if (!binary) return { ...described, data: values.json };
    binaryParts.push(values.bytes);
    return { ...described, parameters: { binary_data_size: values.bytes.byteLength } };
  });

  const parameters = { ...(binary ? { binary_data_output: true } : {}), ...options.parameters };
  const header = Buffer.from(JSON.stringify({ ...(Object.keys(parameters).length > 0 ? { parameters } : {}), inputs }), 'utf8');
  if (!binary) return { body: header, headers: { 'Content-Type': 'application/json' }, tensorBytes, shapes };
  return {
    body: Buffer.concat([header, ...binaryParts]),
    headers: { 'Content-Type': 'application/octet-stream', [HEADER_LENGTH_HEADER]: String(header.byteLength) },
    tensorBytes,
    shapes,
  };
}
