import { DEFAULT_MAX_BODY_BYTES, parseTraceConfigFlags, type TraceSettings } from '@flotilla/kserve';
import { MetricsConfigError, parseMetricsConfig, type MetricsConfig } from '@flotilla/metrics';
import { tracesExported } from '@flotilla/telemetry';
import { busOptionsFromFlags, COMMON_FLAGS, FlagError, flagBool, flagInt, flagString, parseFlags, type FlagSpec } from '@flotilla/service-kit';
import type { BusOptions } from '@flotilla/transport';

export const GATEWAY_OPTIONS = Symbol('GatewayOptions');

export interface GatewayOptions {
  /** The NATS server(s) and the gateway's credentials there. */
  readonly bus: BusOptions;
  readonly httpPort: number;
  readonly httpAddress: string;
  /** Serve KServe v2 over gRPC at all (Triton's --allow-grpc). */
  readonly allowGrpc: boolean;
  /** 0 lets the system pick a free port (it is logged). */
  readonly grpcPort: number;
  readonly grpcAddress: string;
  /** Largest gRPC request message accepted, in bytes. */
  readonly grpcMaxReceiveBytes: number;
  /** Largest gRPC response message sent, in bytes; a larger one becomes RESOURCE_EXHAUSTED. */
  readonly grpcMaxSendBytes: number;
  /** How long an inference may take end to end before the client gets an error. */
  readonly inferTimeoutMs: number;
  /** Triton's --strict-readiness: the server is ready only when every model is. */
  readonly strictReadiness: boolean;
  /** Largest HTTP request body accepted, in bytes, both as sent and once inflated (413 past it). */
  readonly maxBodyBytes: number;
  /** Inputs this large or larger go through /dev/shm to executors on this machine; 0 = never. */
  readonly tensorFileThresholdBytes: number;
  /** Triton's --trace-config at start: which requests are traced until the trace extension changes it. */
  readonly traceSettings: TraceSettings;
  /** Prometheus `/metrics` (Triton's --allow-metrics, --metrics-port, --metrics-address, --metrics-config); undefined when off. */
  readonly metrics?: { readonly port: number; readonly address: string; readonly config: MetricsConfig };
}

const DEFAULT_MESSAGE_LIMIT = String(64 * 1024 * 1024);

const FLAGS: readonly FlagSpec[] = [
  ...COMMON_FLAGS,
  { name: 'http-port', description: 'port of the KServe v2 HTTP API', default: '8000' },
  { name: 'http-address', description: 'address the HTTP API binds to', default: '0.0.0.0' },
  { name: 'allow-grpc', description: 'serve KServe v2 over gRPC', default: 'true' },
  { name: 'grpc-port', description: 'port of the KServe v2 gRPC API (0 = any free port)', default: '8001' },
  { name: 'grpc-address', description: 'address the gRPC API binds to', default: '0.0.0.0' },
  { name: 'grpc-max-receive-message-bytes', description: 'largest accepted gRPC request message', default: DEFAULT_MESSAGE_LIMIT },
  { name: 'grpc-max-send-message-bytes', description: 'largest gRPC response message sent', default: DEFAULT_MESSAGE_LIMIT },
  { name: 'infer-timeout-ms', description: 'deadline of an inference request, end to end', default: '60000' },
  { name: 'strict-readiness', description: 'ready only when every model is ready', default: 'true' },
  {
    name: 'http-max-body-bytes',
    description: 'largest accepted HTTP request body, as sent and once inflated (413 past it)',
    default: String(DEFAULT_MAX_BODY_BYTES),
  },
  { name: 'allow-metrics', description: 'serve Prometheus metrics on /metrics', default: 'true' },
  { name: 'metrics-port', description: 'port of /metrics (0 = any free port)', default: '8002' },
  { name: 'metrics-address', description: 'address /metrics binds to (default: --http-address)', default: '' },
  { name: 'metrics-config', description: '<setting>=<value>, repeatable: counter_latencies=true|false', repeatable: true },
  {
    name: 'tensor-file-threshold-bytes',
    description: 'inputs this large go to executors on this machine through /dev/shm instead of NATS (0 = never)',
    default: String(64 * 1024),
  },
  {
    name: 'trace-config',
    description: "Triton's trace settings at start, repeatable: rate=N, level=OFF|TIMESTAMPS, count=N, mode=opentelemetry (docs/observability.md)",
    repeatable: true,
  },
];

export function gatewayOptions(argv: readonly string[]): GatewayOptions {
  const flags = parseFlags(argv, FLAGS);
  return {
    bus: busOptionsFromFlags(flags, 'gateway'),
    httpPort: flagInt(flags, 'http-port', 0, 65535),
    httpAddress: flagString(flags, 'http-address'),
    allowGrpc: flagBool(flags, 'allow-grpc'),
    grpcPort: flagInt(flags, 'grpc-port', 0, 65535),
    grpcAddress: flagString(flags, 'grpc-address'),
    // gRPC counts message sizes in a signed 32-bit int.
    grpcMaxReceiveBytes: flagInt(flags, 'grpc-max-receive-message-bytes', 1, 2 ** 31 - 1),
    grpcMaxSendBytes: flagInt(flags, 'grpc-max-send-message-bytes', 1, 2 ** 31 - 1),
    inferTimeoutMs: flagInt(flags, 'infer-timeout-ms', 1),
    strictReadiness: flagBool(flags, 'strict-readiness'),
    maxBodyBytes: flagInt(flags, 'http-max-body-bytes', 1),
    tensorFileThresholdBytes: flagInt(flags, 'tensor-file-threshold-bytes', 0),
    traceSettings: traceConfig(flags.get('trace-config') ?? []),
    ...(flagBool(flags, 'allow-metrics') ? { metrics: metricsOptions(flags) } : {}),
  };
}

function traceConfig(values: readonly string[]): TraceSettings {
  let settings: TraceSettings;
  try {
    settings = parseTraceConfigFlags(values);
  } catch (error) {
    throw new FlagError((error as Error).message);
  }
  // Nothing would receive the traces: refuse rather than accept and ignore.
  if (settings.level !== 'OFF' && !tracesExported()) {
    throw new FlagError(`--trace-config level=${settings.level} needs an OTLP endpoint: set OTEL_EXPORTER_OTLP_ENDPOINT (docs/observability.md)`);
  }
  return settings;
}

function metricsOptions(flags: ReturnType<typeof parseFlags>): NonNullable<GatewayOptions['metrics']> {
  try {
    return {
      port: flagInt(flags, 'metrics-port', 0, 65535),
      address: flagString(flags, 'metrics-address') || flagString(flags, 'http-address'),
      config: parseMetricsConfig(flags.get('metrics-config') ?? []),
    };
  } catch (error) {
    // A --metrics-config setting Flotilla would not honour stops the gateway, naming it.
    if (error instanceof MetricsConfigError) throw new FlagError(error.message);
    throw error;
  }
}
