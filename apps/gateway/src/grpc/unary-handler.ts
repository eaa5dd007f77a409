import { status, type handleUnaryCall, type ServerUnaryCall } from '@grpc/grpc-js';
import { grpcStatusOf, MalformedMessage } from '@flotilla/kserve-grpc';

/**
 * A unary gRPC method from an async function of the decoded request: a malformed request is
 * INVALID_ARGUMENT naming the problem, a thrown error becomes its gRPC status with its message.
 */
export function unaryHandler<Request>(handle: (request: Request, call: ServerUnaryCall<object, object>) => Promise<object> | object): handleUnaryCall<object, object> {
  return (call, callback) => {
    if (call.request instanceof MalformedMessage) return callback({ code: status.INVALID_ARGUMENT, details: call.request.problem });
    Promise.resolve()
      .then(() => handle(call.request as Request, call))
      .then(
        (response) => callback(null, response),
        (error: unknown) => callback(grpcStatusOf(error)),
      );
  };
}

/** The call's deadline in epoch ms, or undefined when the client set none. */
export function deadlineOf(call: { getDeadline(): Date | number }): number | undefined {
  const deadline = call.getDeadline();
  const ms = deadline instanceof Date ? deadline.getTime() : deadline;
  return Number.isFinite(ms) ? ms : undefined;
}

/** Triton's gRPC requests name "no version" with an empty string. */
export const optional = (text: string): string | undefined => (text === '' ? undefined : text);
