/**
 * Protocol extensions Flotilla implements, as reported by `GET /v2` (Triton lists its own in
 * core:src/server.cc). Only list an extension once its routes and semantics are really served.
 */
export const SUPPORTED_EXTENSIONS: readonly string[] = ['binary_tensor_data', 'model_configuration', 'schedule_policy', 'statistics'];

export interface ServerMetadata {
  readonly name: 'triton';
  readonly version: string;
  readonly extensions: string[];
}

/** Body of `GET /v2`. The name is "triton" so that Triton clients and tools accept the server. */
export function serverMetadata(version: string): ServerMetadata {
  return { name: 'triton', version, extensions: [...SUPPORTED_EXTENSIONS] };
}
