import { status, type handleUnaryCall, type Metadata } from '@grpc/grpc-js';
import { grpcStatusOf, MalformedMessage } from '@flotilla/kserve-grpc';

/**
 * A unary gRPC method from an async function of the decoded request: a malformed request is
 * INVALID_ARGUMENT naming the problem, a thrown error becomes its gRPC status with its message.
 */
export function unaryHandler<Request>(handle: (request: Request, metadata: Metadata) => Promise<object> | object): handleUnaryCall<object, object> {
  return (call, callback) => {
    if (call.request instanceof MalformedMessage) return callback({ code: status.INVALID_ARGUMENT, details: call.request.problem });
    Promise.resolve()
      .then(() => handle(call.request as Request, call.metadata))
      .then(
        (response) => callback(null, response),
        (error: unknown) => callback(grpcStatusOf(error)),
      );
  };
}

/** Triton's gRPC requests name "no version" with an empty string. */
export const optional = (text: string): string | undefined => (text === '' ? undefined : text);
