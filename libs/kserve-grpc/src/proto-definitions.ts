import { loadSync, type MethodDefinition, type Options, type PackageDefinition } from '@grpc/proto-loader';
import { join } from 'node:path';

/** The .proto files, beside src/ here and beside the compiled src/ in dist/ (the build copies them). */
export const PROTO_DIR = join(__dirname, '..', 'proto');

export const INFERENCE_SERVICE = 'inference.GRPCInferenceService';
export const HEALTH_SERVICE = 'grpc.health.v1.Health';

/**
 * How messages become objects, and back. libs/kserve's gRPC message types describe exactly this
 * form (grpc-messages.ts): field names as in the .proto, 64-bit integers as decimal strings (so
 * INT64 contents keep every bit), enums by name (so the JSON model config maps onto
 * ModelConfig as it is), defaults filled in, and oneofs naming their member.
 */
export const LOADER_OPTIONS: Options = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  arrays: true,
  objects: true,
  oneofs: true,
  includeDirs: [PROTO_DIR],
};

let loaded: PackageDefinition | undefined;

/** Both services' definitions, parsed once per process. */
export function kservePackageDefinition(): PackageDefinition {
  loaded ??= loadSync(['grpc_service.proto', 'health.proto'], LOADER_OPTIONS);
  return loaded;
}

export type ServiceName = typeof INFERENCE_SERVICE | typeof HEALTH_SERVICE;

/** A service's methods by name, with their (de)serialisers. */
export function serviceMethods(service: ServiceName): Record<string, MethodDefinition<object, object>> {
  return kservePackageDefinition()[service] as unknown as Record<string, MethodDefinition<object, object>>;
}

/** A request message as the bytes a client sends (to prepare a request once and send it many times). */
export function serializeRequest(service: ServiceName, method: string, message: object): Buffer {
  return serviceMethods(service)[method].requestSerialize(message);
}
