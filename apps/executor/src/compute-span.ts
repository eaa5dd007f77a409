import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { extractTraceContext } from '@flotilla/telemetry';
import type { SpanReport } from './slot-thread/serving-protocol';

const tracer = trace.getTracer('flotilla-executor');

/**
 * Records a payload's `compute` span from what its slot's thread reported: worker threads have no
 * OpenTelemetry SDK, so the executor's main thread records the span, with the thread's own start
 * and end times, as a child of the scheduler's `queue` span that the payload's headers name.
 */
export function recordComputeSpan(report: SpanReport, slot: { slotId: string; instance: string; version: number }): void {
  const parent = extractTraceContext((name) => report.traceHeaders[name], ROOT_CONTEXT);
  const span = tracer.startSpan(
    'compute',
    {
      kind: SpanKind.CONSUMER,
      startTime: report.startMs,
      attributes: { 'flotilla.slot': slot.slotId, 'flotilla.instance': slot.instance, 'triton.model_name': report.model, 'triton.model_version': String(slot.version) },
    },
    parent,
  );
  if (report.error) span.setStatus({ code: SpanStatusCode.ERROR, message: report.error });
  span.end(report.endMs);
}
