import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { createGrpcClient, unaryCall, type GrpcClient } from '@flotilla/kserve-grpc';

export { createGrpcClient, unaryCall, type GrpcClient };
export { Metadata, status };

/** The ServiceError a call was refused with; fails the test if the call succeeded. */
export async function grpcRefusal(call: Promise<unknown>): Promise<ServiceError> {
  try {
    await call;
  } catch (error) {
    return error as ServiceError;
  }
  throw new Error('the call succeeded');
}

export const fp32Bytes = (values: readonly number[]) => Buffer.from(new Float32Array(values).buffer);

/** Raw little-endian FP32 contents as numbers. */
export const fp32Values = (bytes: Uint8Array) => [...new Float32Array(Uint8Array.from(bytes).buffer)];

export interface InferResponseObject {
  id: string;
  model_name: string;
  model_version: string;
  parameters: Record<string, Record<string, unknown>>;
  outputs: { name: string; datatype: string; shape: string[] }[];
  raw_output_contents: Buffer[];
}

/** A ModelInferRequest for `simple` with raw contents: INPUT0 = a, INPUT1 = b, both [1, 16] FP32. */
export function simpleRawRequest(a: readonly number[], b: readonly number[], extra: Record<string, unknown> = {}) {
  return {
    model_name: 'simple',
    inputs: [
      { name: 'INPUT0', datatype: 'FP32', shape: [1, 16] },
      { name: 'INPUT1', datatype: 'FP32', shape: [1, 16] },
    ],
    raw_input_contents: [fp32Bytes(a), fp32Bytes(b)],
    ...extra,
  };
}

/** The same with typed contents (fp32_contents). */
export function simpleTypedRequest(a: readonly number[], b: readonly number[], extra: Record<string, unknown> = {}) {
  return {
    model_name: 'simple',
    inputs: [
      { name: 'INPUT0', datatype: 'FP32', shape: [1, 16], contents: { fp32_contents: a } },
      { name: 'INPUT1', datatype: 'FP32', shape: [1, 16], contents: { fp32_contents: b } },
    ],
    ...extra,
  };
}

/** Outputs of a response by name, as FP32 values. */
export function outputsByName(response: InferResponseObject): Record<string, number[]> {
  return Object.fromEntries(response.outputs.map((output, index) => [output.name, fp32Values(response.raw_output_contents[index])]));
}

export function closeClient(client: GrpcClient | undefined): void {
  client?.close();
}
