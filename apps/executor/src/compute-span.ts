import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes } from '@opentelemetry/api';
import { extractTraceContext } from '@flotilla/telemetry';
import type { ComputeSpan } from './slot-thread/serving-protocol';

const tracer = trace.getTracer('flotilla-executor');

/**
 * Records a request's `compute` span from what its slot's thread reported: worker threads have no
 * OpenTelemetry SDK, so the executor's main thread records the span, with the thread's own start
 * and end times, as a child of the scheduler's `queue` span that the request's trace headers name.
 * A request of a batch gets its own span under its own parent, saying how large the batch was.
 * Only traced requests are reported (the thread checks the sampled flag of their traceparent).
 */
export function recordComputeSpan(report: ComputeSpan, slot: { slotId: string; instance: string; version: number }): void {
  const parent = extractTraceContext((name) => report.traceHeaders[name], ROOT_CONTEXT);
  const attributes: Attributes = { 'flotilla.slot': slot.slotId, 'flotilla.instance': slot.instance, 'triton.model_name': report.model, 'triton.model_version': String(slot.version) };
  if (report.batchRequests !== undefined) attributes['flotilla.batch_requests'] = report.batchRequests;
  if (report.batchSize !== undefined) attributes['flotilla.batch_size'] = report.batchSize;
  const span = tracer.startSpan('compute', { kind: SpanKind.CONSUMER, startTime: report.startMs, attributes }, parent);
  // Triton's compute timestamps, as the thread measured them.
  span.addEvent('COMPUTE_START', report.startMs);
  if (report.computeStartMs !== undefined) span.addEvent('COMPUTE_INPUT_END', report.computeStartMs);
  if (report.computeEndMs !== undefined) span.addEvent('COMPUTE_OUTPUT_START', report.computeEndMs);
  span.addEvent('COMPUTE_END', report.endMs);
  if (report.error) span.setStatus({ code: SpanStatusCode.ERROR, message: report.error });
  span.end(report.endMs);
}
