import { diag, DiagConsoleLogger, DiagLogLevel, propagation } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter as OtlpHttpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpHttpProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';

export interface TelemetryHandle {
  /** True when spans leave the process (an OTLP endpoint is configured). */
  readonly exporting: boolean;
  /** Flushes buffered spans and stops the SDK; call it before the process exits. */
  shutdown(): Promise<void>;
}

let started: TelemetryHandle | undefined;

/** Whether spans leave the process: an OTLP endpoint is configured. Without one, none are recorded. */
export function tracesExported(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}

/**
 * Starts the OpenTelemetry tracing SDK for one service. Call it first thing in `main.ts`, before
 * Nest is loaded, so that every span the service makes has a provider.
 *
 * Spans are recorded and exported only when `OTEL_EXPORTER_OTLP_ENDPOINT` (or
 * `..._TRACES_ENDPOINT`) is set — Jaeger ≥ 1.35 reads OTLP directly. Without it, an incoming
 * `traceparent` still propagates across NATS unchanged. `OTEL_EXPORTER_OTLP_PROTOCOL=http/json` selects JSON; the
 * default is protobuf over HTTP, as the OTLP spec prescribes. `OTEL_SERVICE_NAME` overrides the name.
 */
export function startTelemetry(serviceName: string, env: NodeJS.ProcessEnv = process.env): TelemetryHandle {
  if (started) return started;
  if (env.OTEL_LOG_LEVEL === 'debug') diag.setLogger(new DiagConsoleLogger(), DiagLogLevel.DEBUG);

  const exporting = tracesExported(env);
  if (!exporting) {
    // Nothing would read the spans, so make none: the API's no-op tracer still carries an incoming
    // trace context through every hop (its spans wrap the parent's ids), at no cost per request.
    // Recording spans with no exporter cost about a quarter of the services' CPU per inference.
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    started = { exporting, shutdown: async () => undefined };
    return started;
  }

  const protocol = env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf';
  const exporter = protocol === 'http/json' ? new OtlpHttpJsonExporter() : new OtlpHttpProtoExporter();
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: env.OTEL_SERVICE_NAME ?? serviceName,
      [ATTR_SERVICE_VERSION]: env.npm_package_version ?? '0.1.0',
    }),
    // Short delay: a request's spans should reach Jaeger while someone is still looking for them.
    spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: 500 })],
  });
  provider.register(); // W3C trace-context propagator and async-hooks context manager by default

  started = { exporting, shutdown: () => provider.shutdown() };
  return started;
}
