/**
 * Protocol extensions Flotilla implements, as reported by `GET /v2` and gRPC ServerMetadata (Triton
 * lists its own in core:src/server.cc). Only list an extension once its routes and semantics are
 * really served: `schedule_policy` is the `priority` and `timeout` request parameters, honoured by
 * the dynamic batcher's queues (and `timeout` by the default scheduler's); `trace` is the trace
 * setting routes driving which requests every service traces (Triton's opentelemetry mode);
 * `model_repository` is the index, load (with `config` and `file:` overrides) and unload, whose
 * `unload_dependents` is accepted — Flotilla has no ensembles, so no model has dependents. Not
 * listed, because not served: classification, sequence, shared memory, parameters, logging.
 */
export const SUPPORTED_EXTENSIONS: readonly string[] = ['binary_tensor_data', 'model_configuration', 'model_repository', 'model_repository(unload_dependents)', 'schedule_policy', 'statistics', 'trace'];

export interface ServerMetadata {
  readonly name: 'triton';
  readonly version: string;
  readonly extensions: string[];
}

/** Body of `GET /v2`. The name is "triton" so that Triton clients and tools accept the server. */
export function serverMetadata(version: string): ServerMetadata {
  return { name: 'triton', version, extensions: [...SUPPORTED_EXTENSIONS] };
}
