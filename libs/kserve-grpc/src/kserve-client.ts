import { credentials, makeGenericClientConstructor, Metadata, type CallOptions, type Client, type ClientOptions, type ServiceError } from '@grpc/grpc-js';
import { INFERENCE_SERVICE, kservePackageDefinition, type ServiceName } from './proto-definitions';

/** A client of one of the served services; its methods are the .proto's, called by name. */
export type GrpcClient = Client & Record<string, (...args: unknown[]) => unknown>;

/**
 * A plain @grpc/grpc-js client built from the same .proto files, for the test suite and the load
 * generator. Its receive limit is lifted: responses with large tensors are the point of both.
 */
export function createGrpcClient(address: string, service: ServiceName = INFERENCE_SERVICE, options: ClientOptions = {}): GrpcClient {
  const Constructor = makeGenericClientConstructor(kservePackageDefinition()[service] as never, service);
  return new Constructor(address, credentials.createInsecure(), { 'grpc.max_receive_message_length': -1, 'grpc.max_send_message_length': -1, ...options }) as unknown as GrpcClient;
}

/** One unary call as a promise; rejects with the ServiceError (code, details) gRPC reports. */
export function unaryCall<T = Record<string, unknown>>(client: GrpcClient, method: string, request: object, metadata = new Metadata(), options: CallOptions = {}): Promise<T> {
  return new Promise((resolve, reject) => {
    client[method](request, metadata, options, (error: ServiceError | null, response: T) => (error ? reject(error) : resolve(response)));
  });
}
