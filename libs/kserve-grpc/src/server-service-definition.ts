import type { MethodDefinition } from '@grpc/proto-loader';
import type { ServiceDefinition } from '@grpc/grpc-js';
import { serviceMethods, type ServiceName } from './proto-definitions';

/**
 * What a handler receives instead of a request whose bytes are not a valid protobuf message.
 * gRPC would otherwise answer INTERNAL ("Error deserializing request") before any handler runs;
 * this way the handler answers INVALID_ARGUMENT, naming the problem.
 */
export class MalformedMessage {
  constructor(readonly problem: string) {}
}

/**
 * The service definition a server registers: each method's request decoding never throws (see
 * MalformedMessage), and a response the handler already serialised (a Buffer, to check its size
 * first) is sent as it is.
 */
export function serverServiceDefinition(service: ServiceName): ServiceDefinition {
  const methods = serviceMethods(service);
  return Object.fromEntries(
    Object.entries(methods).map(([name, method]) => [
      name,
      { ...method, requestDeserialize: tolerantDeserializer(method), responseSerialize: passBuffersThrough(method.responseSerialize) },
    ]),
  ) as unknown as ServiceDefinition;
}

/** A response message as the bytes gRPC will send (for methods whose response size is checked). */
export function serializeResponse(service: ServiceName, method: string, message: object): Buffer {
  return serviceMethods(service)[method].responseSerialize(message);
}

function tolerantDeserializer(method: MethodDefinition<object, object>): (bytes: Buffer) => object {
  const messageName = (method.requestType.type as { name?: string }).name ?? 'request';
  return (bytes) => {
    try {
      return method.requestDeserialize(bytes);
    } catch (error) {
      return new MalformedMessage(`the request is not a valid ${messageName} protobuf message: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
}

function passBuffersThrough(serialize: (message: object) => Buffer): (message: object) => Buffer {
  return (message) => (Buffer.isBuffer(message) ? message : serialize(message));
}
