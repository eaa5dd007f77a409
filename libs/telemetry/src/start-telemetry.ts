import { diag, DiagConsoleLogger, DiagLogLevel, propagation } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
// Types only: the SDK and the exporters are required when an endpoint is configured, and not
// otherwise. They are ~270 modules and ~5 MB of heap, which every importer of this library (each
// slot thread, through the transport) would pay for nothing.
import type * as OtlpHttp from '@opentelemetry/exporter-trace-otlp-http';
import type * as OtlpProto from '@opentelemetry/exporter-trace-otlp-proto';
import type * as Resources from '@opentelemetry/resources';
import type * as SdkTraceBase from '@opentelemetry/sdk-trace-base';
import type * as SdkTraceNode from '@opentelemetry/sdk-trace-node';
import type * as SemanticConventions from '@opentelemetry/semantic-conventions';
import { decidedSampler } from './sampling';

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

  /* eslint-disable @typescript-eslint/no-require-imports */
  const { resourceFromAttributes } = require('@opentelemetry/resources') as typeof Resources;
  const sdk = require('@opentelemetry/sdk-trace-base') as typeof SdkTraceBase;
  const { NodeTracerProvider } = require('@opentelemetry/sdk-trace-node') as typeof SdkTraceNode;
  const { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } = require('@opentelemetry/semantic-conventions') as typeof SemanticConventions;
  const protocol = env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf';
  const exporter =
    protocol === 'http/json'
      ? new (require('@opentelemetry/exporter-trace-otlp-http') as typeof OtlpHttp).OTLPTraceExporter()
      : new (require('@opentelemetry/exporter-trace-otlp-proto') as typeof OtlpProto).OTLPTraceExporter();
  /* eslint-enable @typescript-eslint/no-require-imports */
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: env.OTEL_SERVICE_NAME ?? serviceName,
      [ATTR_SERVICE_VERSION]: env.npm_package_version ?? '0.1.0',
    }),
    // Short delay: a request's spans should reach Jaeger while someone is still looking for them.
    spanProcessors: [new sdk.BatchSpanProcessor(exporter, { scheduledDelayMillis: 500 })],
    // Only the gateway decides (its trace settings); every other span follows its parent.
    sampler: decidedSampler(sdk),
  });
  provider.register(); // W3C trace-context propagator and async-hooks context manager by default

  started = { exporting, shutdown: () => provider.shutdown() };
  return started;
}
