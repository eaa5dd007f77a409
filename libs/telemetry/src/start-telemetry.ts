import { diag, DiagConsoleLogger, DiagLogLevel } from '@opentelemetry/api';
import { OTLPTraceExporter as OtlpHttpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpHttpProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';

export interface TelemetryHandle {
  /** True when spans leave the process (an OTLP endpoint is configured). */
  readonly exporting: boolean;
  /** Flushes buffered spans and stops the SDK; call it before the process exits. */
  shutdown(): Promise<void>;
}

let started: TelemetryHandle | undefined;

/**
 * Starts the OpenTelemetry tracing SDK for one service. Call it first thing in `main.ts`, before
 * Nest is loaded, so that every span the service makes has a provider.
 *
 * Spans are always created, so `traceparent` propagates across NATS even when nothing exports.
 * They leave the process only when `OTEL_EXPORTER_OTLP_ENDPOINT` (or `..._TRACES_ENDPOINT`) is set:
 * Jaeger ≥ 1.35 reads OTLP directly. `OTEL_EXPORTER_OTLP_PROTOCOL=http/json` selects JSON; the
 * default is protobuf over HTTP, as the OTLP spec prescribes. `OTEL_SERVICE_NAME` overrides the name.
 */
export function startTelemetry(serviceName: string, env: NodeJS.ProcessEnv = process.env): TelemetryHandle {
  if (started) return started;
  if (env.OTEL_LOG_LEVEL === 'debug') diag.setLogger(new DiagConsoleLogger(), DiagLogLevel.DEBUG);

  const exporting = Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
  const spanProcessors: SpanProcessor[] = [];
  if (exporting) {
    const protocol = env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf';
    const exporter = protocol === 'http/json' ? new OtlpHttpJsonExporter() : new OtlpHttpProtoExporter();
    // Short delay: a request's spans should reach Jaeger while someone is still looking for them.
    spanProcessors.push(new BatchSpanProcessor(exporter, { scheduledDelayMillis: 500 }));
  }

  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: env.OTEL_SERVICE_NAME ?? serviceName,
      [ATTR_SERVICE_VERSION]: env.npm_package_version ?? '0.1.0',
    }),
    spanProcessors,
  });
  provider.register(); // W3C trace-context propagator and async-hooks context manager by default

  started = { exporting, shutdown: () => provider.shutdown() };
  return started;
}
