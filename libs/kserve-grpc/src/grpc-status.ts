import { status, type StatusObject } from '@grpc/grpc-js';
import { asFlotillaError } from '@flotilla/contracts';

/**
 * The gRPC status for an error, with the same message HTTP would carry: a Flotilla error's code
 * mapped as Triton maps it (INVALID_ARG → INVALID_ARGUMENT, UNSUPPORTED → UNIMPLEMENTED, …), a
 * GrpcStatusError's own code, INTERNAL for anything else.
 */
export function grpcStatusOf(error: unknown): Pick<StatusObject, 'code' | 'details'> {
  const details = error instanceof Error ? error.message : String(error);
  if (error instanceof GrpcStatusError) return { code: error.code, details };
  return { code: asFlotillaError(error)?.grpcStatus ?? status.INTERNAL, details };
}

/** An answer that has a gRPC status of its own, outside Triton's error codes (RESOURCE_EXHAUSTED). */
export class GrpcStatusError extends Error {
  constructor(
    readonly code: status,
    message: string,
  ) {
    super(message);
    this.name = 'GrpcStatusError';
  }
}
