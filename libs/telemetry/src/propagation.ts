import { context, propagation, type Context } from '@opentelemetry/api';

/**
 * Trace context over message headers. There is no OpenTelemetry instrumentation for NATS, so the
 * transport calls these on every publish and receive. They take plain maps and getters rather
 * than NATS types, so this library does not depend on a NATS client.
 */
export function injectTraceHeaders(into: Record<string, string>, ctx: Context = context.active()): Record<string, string> {
  propagation.inject(ctx, into, {
    set: (carrier, key, value) => {
      carrier[key] = value;
    },
  });
  return into;
}

export function extractTraceContext(get: (key: string) => string | undefined, base: Context = context.active()): Context {
  return propagation.extract(base, undefined, {
    get: (_carrier, key) => get(key),
    keys: () => ['traceparent', 'tracestate'],
  });
}

/** W3C trace context as two fields: one request's own, inside a message that carries several (batch frames). */
export interface TraceFields {
  readonly traceparent?: string;
  readonly tracestate?: string;
}

export function traceFieldsOf(ctx: Context): TraceFields {
  const { traceparent, tracestate } = injectTraceHeaders({}, ctx);
  return { ...(traceparent ? { traceparent } : {}), ...(tracestate ? { tracestate } : {}) };
}

export function contextOfTraceFields(fields: TraceFields, base: Context = context.active()): Context {
  return extractTraceContext((key) => (key === 'traceparent' ? fields.traceparent : key === 'tracestate' ? fields.tracestate : undefined), base);
}
