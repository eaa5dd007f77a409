import { status, type StatusObject } from '@grpc/grpc-js';
import { asFlotillaError } from '@flotilla/contracts';

/**
 * The gRPC status for an error, with the same message HTTP would carry: a Flotilla error's code
 * mapped as Triton maps it (INVALID_ARG → INVALID_ARGUMENT, UNSUPPORTED → UNIMPLEMENTED, …),
 * INTERNAL for anything else.
 */
export function grpcStatusOf(error: unknown): Pick<StatusObject, 'code' | 'details'> {
  const details = error instanceof Error ? error.message : String(error);
  return { code: asFlotillaError(error)?.grpcStatus ?? status.INTERNAL, details };
}
