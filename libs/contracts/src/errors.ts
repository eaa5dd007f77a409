/**
 * Error codes shared by every service, named after Triton's TRITONSERVER_Error codes so that each
 * maps to the HTTP status Triton would answer with (triton-spec §5.2). One is Flotilla's own:
 * `TOO_LARGE`, a request or response that does not fit in one message on the bus (NATS'
 * `max_payload`) — Triton, in one process, has no such limit, and a 400 would not say that the
 * request itself was fine.
 */
export const ERROR_CODES = ['INVALID_ARG', 'NOT_FOUND', 'UNAVAILABLE', 'UNSUPPORTED', 'INTERNAL', 'ALREADY_EXISTS', 'CANCELLED', 'UNKNOWN', 'TOO_LARGE'] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

const HTTP_STATUS: Record<ErrorCode, number> = {
  INVALID_ARG: 400,
  UNKNOWN: 400,
  ALREADY_EXISTS: 400,
  CANCELLED: 400,
  NOT_FOUND: 404,
  INTERNAL: 500,
  UNSUPPORTED: 501,
  UNAVAILABLE: 503,
  TOO_LARGE: 413,
};

/**
 * gRPC status codes (grpc/include/grpcpp/impl/codegen/status_code_enum.h numbering), mapped as
 * Triton's gRPC frontend maps its error codes; UNSUPPORTED becomes UNIMPLEMENTED.
 */
const GRPC_STATUS: Record<ErrorCode, number> = {
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARG: 3,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  UNSUPPORTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  /** RESOURCE_EXHAUSTED: what gRPC itself answers for a message above its size limit. */
  TOO_LARGE: 8,
};

/** An error with a Triton error code; its message is what the user sees, so it names the problem. */
export class FlotillaError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'FlotillaError';
  }

  get httpStatus(): number {
    return HTTP_STATUS[this.code];
  }

  get grpcStatus(): number {
    return GRPC_STATUS[this.code];
  }

  toWire(): WireError {
    return { code: this.code, message: this.message };
  }

  static fromWire(wire: WireError): FlotillaError {
    return new FlotillaError(isErrorCode(wire.code) ? wire.code : 'UNKNOWN', wire.message);
  }
}

/** The error envelope carried in NATS replies. */
export interface WireError {
  readonly code: ErrorCode;
  readonly message: string;
}

/**
 * The error as a FlotillaError when it carries a Flotilla code, also when it was built by another
 * copy of this module (an Error whose `code` is one of ours); undefined for anything else.
 */
export function asFlotillaError(error: unknown): FlotillaError | undefined {
  if (error instanceof FlotillaError) return error;
  if (error instanceof Error && isErrorCode((error as { code?: unknown }).code)) return new FlotillaError((error as FlotillaError).code, error.message);
  return undefined;
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

export const invalidArg = (message: string) => new FlotillaError('INVALID_ARG', message);
export const notFound = (message: string) => new FlotillaError('NOT_FOUND', message);
export const unavailable = (message: string) => new FlotillaError('UNAVAILABLE', message);
export const internal = (message: string) => new FlotillaError('INTERNAL', message);
export const unsupported = (message: string) => new FlotillaError('UNSUPPORTED', message);
export const tooLarge = (message: string) => new FlotillaError('TOO_LARGE', message);

/**
 * How to raise the bus' message limit, for the texts of `TOO_LARGE` errors: Flotilla reads the
 * limit from the nats-server it is connected to, so the server's config is the one place to change.
 */
export const RAISE_MAX_PAYLOAD = "raise max_payload in every nats-server's config (the same on every node of a cluster; Flotilla reads it from the server)";
