import { COMMON_FLAGS, flagBool, flagInt, flagString, parseFlags, type FlagSpec } from '@flotilla/service-kit';

export const GATEWAY_OPTIONS = Symbol('GatewayOptions');

export interface GatewayOptions {
  readonly natsUrl: string;
  readonly httpPort: number;
  readonly httpAddress: string;
  /** How long an inference may take end to end before the client gets an error. */
  readonly inferTimeoutMs: number;
  /** Triton's --strict-readiness: the server is ready only when every model is. */
  readonly strictReadiness: boolean;
  /** Largest HTTP request body accepted, in bytes. */
  readonly maxBodyBytes: number;
  /** Inputs this large or larger go through /dev/shm to executors on this machine; 0 = never. */
  readonly tensorFileThresholdBytes: number;
}

const FLAGS: readonly FlagSpec[] = [
  ...COMMON_FLAGS,
  { name: 'http-port', description: 'port of the KServe v2 HTTP API', default: '8000' },
  { name: 'http-address', description: 'address the HTTP API binds to', default: '0.0.0.0' },
  { name: 'infer-timeout-ms', description: 'deadline of an inference request, end to end', default: '60000' },
  { name: 'strict-readiness', description: 'ready only when every model is ready', default: 'true' },
  { name: 'max-body-bytes', description: 'largest accepted HTTP request body', default: String(64 * 1024 * 1024) },
  {
    name: 'tensor-file-threshold-bytes',
    description: 'inputs this large go to executors on this machine through /dev/shm instead of NATS (0 = never)',
    default: String(64 * 1024),
  },
];

export function gatewayOptions(argv: readonly string[]): GatewayOptions {
  const flags = parseFlags(argv, FLAGS);
  return {
    natsUrl: flagString(flags, 'nats-url'),
    httpPort: flagInt(flags, 'http-port', 0, 65535),
    httpAddress: flagString(flags, 'http-address'),
    inferTimeoutMs: flagInt(flags, 'infer-timeout-ms', 1),
    strictReadiness: flagBool(flags, 'strict-readiness'),
    maxBodyBytes: flagInt(flags, 'max-body-bytes', 1),
    tensorFileThresholdBytes: flagInt(flags, 'tensor-file-threshold-bytes', 0),
  };
}
