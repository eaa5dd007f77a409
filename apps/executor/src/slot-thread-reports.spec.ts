// The compute spans the executor's main thread records from its slot threads' reports, with a
// real OpenTelemetry SDK collecting them in memory.
import { propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { SlotEntry } from './slot-entry';
import { onThreadReport } from './slot-thread-reports';
import type { BatchSpansReport, LinkReport, SpanReport } from './slot-thread/serving-protocol';
import { plannedSlot } from './testing/planned-slot';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const parent = (spanId: string) => ({ traceparent: `00-${TRACE}-${spanId}-01` });

describe('onThreadReport (compute spans)', () => {
  const exporter = new InMemorySpanExporter();
  const entry = new SlotEntry(plannedSlot(), 'flotilla.executor.cpu-1.slot.1', { name: 'double', max_batch_size: 4, input: [{ name: 'X', datatype: 'FP32', dims: [2] }], output: [{ name: 'Y' }] });

  beforeAll(() => {
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
  });
  afterEach(() => exporter.reset());
  afterAll(() => {
    trace.disable();
    propagation.disable();
  });

  it("records a batch's compute spans one per request, each under its own request's queue span, saying the batch size", () => {
    const report: BatchSpansReport = {
      kind: 'batch-spans',
      spans: [
        { traceHeaders: parent('00000000000000a1'), startMs: 1000, endMs: 1010, model: 'double', batchRequests: 3, batchSize: 4 },
        { traceHeaders: parent('00000000000000a2'), startMs: 1000, endMs: 1002, model: 'double', batchRequests: 3, error: 'Request timeout expired' },
        { traceHeaders: parent('00000000000000a3'), startMs: 1000, endMs: 1010, model: 'double', batchRequests: 3, batchSize: 4 },
      ],
    };
    onThreadReport(entry, report);
    const spans = exporter.getFinishedSpans();
    expect(spans.map((span) => span.name)).toEqual(['compute', 'compute', 'compute']);
    expect(spans.map((span) => span.spanContext().traceId)).toEqual([TRACE, TRACE, TRACE]);
    expect(spans.map((span) => span.parentSpanContext?.spanId)).toEqual(['00000000000000a1', '00000000000000a2', '00000000000000a3']);
    expect(spans.map((span) => span.attributes['flotilla.batch_size'])).toEqual([4, undefined, 4]);
    expect(spans.map((span) => span.attributes['flotilla.batch_requests'])).toEqual([3, 3, 3]);
    expect(spans[1].status).toMatchObject({ code: 2, message: 'Request timeout expired' });
    expect(spans[0].attributes).toMatchObject({ 'flotilla.slot': 'cpu-1/double/1/double_0', 'triton.model_name': 'double', 'triton.model_version': '1' });
  });

  it("records a lone payload's span as before, without batch attributes", () => {
    const report: SpanReport = { kind: 'span', traceHeaders: parent('00000000000000b1'), startMs: 1000, endMs: 1001, model: 'double' };
    onThreadReport(entry, report);
    const [span] = exporter.getFinishedSpans();
    expect(span.parentSpanContext?.spanId).toBe('00000000000000b1');
    expect('flotilla.batch_size' in span.attributes).toBe(false);
  });
});

describe('onThreadReport (link to NATS)', () => {
  it('counts each drop of the thread’s link and asks for an announcement once it is back', () => {
    const entry = new SlotEntry(plannedSlot(), 'flotilla.executor.cpu-1.slot.1', { name: 'double', max_batch_size: 4, input: [{ name: 'X', datatype: 'FP32', dims: [2] }], output: [{ name: 'Y' }] });
    const relinked = vi.fn();
    onThreadReport(entry, { kind: 'link', up: false } as LinkReport, relinked);
    expect(entry.threadLinked).toBe(false);
    expect(relinked).not.toHaveBeenCalled();
    onThreadReport(entry, { kind: 'link', up: true } as LinkReport, relinked);
    expect(relinked).toHaveBeenCalledTimes(1);
    expect(entry.relinks).toBe(1);
    // A repeated "up" is no new gap.
    onThreadReport(entry, { kind: 'link', up: true } as LinkReport, relinked);
    expect(relinked).toHaveBeenCalledTimes(1);
  });
});
