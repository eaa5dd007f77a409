import type { RepositoryParameterMessage } from './repository-parameters';
/**
 * KServe v2 gRPC messages (libs/kserve-grpc/proto/grpc_service.proto) as plain objects, in the form
 * libs/kserve-grpc's loader hands them over and takes them back: proto field names kept as they
 * are, int64/uint64 as decimal strings when decoded (numbers are accepted when encoding), enums
 * by name, every repeated and map field present (empty when absent on the wire), and oneofs
 * naming their chosen member. Only what the gateway reads or writes is typed.
 */

/** One scalar parameter; `parameter_choice` names the member that is set, if any. */
export interface InferParameterMessage {
  parameter_choice?: 'bool_param' | 'int64_param' | 'string_param' | 'double_param' | 'uint64_param';
  bool_param?: boolean;
  int64_param?: string | number;
  string_param?: string;
  double_param?: number;
  uint64_param?: string | number;
}

export type InferParameterMap = Record<string, InferParameterMessage>;

export interface InferTensorContentsMessage {
  bool_contents: boolean[];
  int_contents: number[];
  int64_contents: string[];
  uint_contents: number[];
  uint64_contents: string[];
  fp32_contents: number[];
  fp64_contents: number[];
  bytes_contents: Uint8Array[];
}

export interface InferInputTensorMessage {
  name: string;
  datatype: string;
  shape: string[];
  parameters: InferParameterMap;
  contents: InferTensorContentsMessage | null;
}

export interface InferRequestedOutputTensorMessage {
  name: string;
  parameters: InferParameterMap;
}

export interface ModelInferRequestMessage {
  model_name: string;
  model_version: string;
  id: string;
  parameters: InferParameterMap;
  inputs: InferInputTensorMessage[];
  outputs: InferRequestedOutputTensorMessage[];
  raw_input_contents: Uint8Array[];
}

export interface InferOutputTensorMessage {
  name: string;
  datatype: string;
  shape: readonly number[];
  parameters: InferParameterMap;
}

export interface ModelInferResponseMessage {
  model_name: string;
  model_version: string;
  id: string;
  parameters: InferParameterMap;
  outputs: InferOutputTensorMessage[];
  raw_output_contents: Uint8Array[];
}

export interface ModelStreamInferResponseMessage {
  error_message: string;
  infer_response: ModelInferResponseMessage | null;
}

/** Requests that name a model (and optionally a version; '' = none). */
export interface ModelRequestMessage {
  name: string;
  version: string;
}

export interface RepositoryIndexRequestMessage {
  repository_name: string;
  ready: boolean;
}

export interface RepositoryModelRequestMessage {
  repository_name: string;
  model_name: string;
  parameters: Record<string, RepositoryParameterMessage>;
}

export interface HealthCheckRequestMessage {
  service: string;
}

export type HealthStatus = 'UNKNOWN' | 'SERVING' | 'NOT_SERVING' | 'SERVICE_UNKNOWN';
