// A small OTLP/HTTP receiver speaking protobuf, as Jaeger's collector does on port 4318: it
// decodes each ExportTraceServiceRequest (opentelemetry-proto, collector/trace/v1) into plain
// spans. The message shapes below are written from the OTLP proto's field numbers (protocol
// facts), with only the fields the tests read; protobufjs skips the rest.
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse } from 'protobufjs';

const OTLP_TRACE_PROTO = `
syntax = "proto3";
package otlp;
message ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
message ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; }
message Resource { repeated KeyValue attributes = 1; }
message ScopeSpans { repeated Span spans = 2; }
message Span {
  bytes trace_id = 1;
  bytes span_id = 2;
  bytes parent_span_id = 4;
  string name = 5;
  int32 kind = 6;
  fixed64 start_time_unix_nano = 7;
  fixed64 end_time_unix_nano = 8;
  repeated KeyValue attributes = 9;
  repeated Event events = 11;
}
message Event { fixed64 time_unix_nano = 1; string name = 2; }
message KeyValue { string key = 1; AnyValue value = 2; }
message AnyValue {
  oneof value { string string_value = 1; bool bool_value = 2; int64 int_value = 3; double double_value = 4; }
}
`;

const ExportTraceServiceRequest = parse(OTLP_TRACE_PROTO, { keepCase: true }).root.lookupType('otlp.ExportTraceServiceRequest');

export interface ReceivedSpan {
  readonly service: string;
  readonly name: string;
  readonly traceId: string;
  readonly spanId: string;
  /** '' for a root span. */
  readonly parentSpanId: string;
  readonly attributes: Readonly<Record<string, string | number | boolean>>;
  /** Event names in time order. */
  readonly events: readonly string[];
}

export interface OtlpReceiver {
  /** What to set OTEL_EXPORTER_OTLP_ENDPOINT to. */
  readonly endpoint: string;
  readonly spans: ReceivedSpan[];
  /** How many export requests were not protobuf (each is answered 415). */
  readonly refused: number;
  close(): Promise<void>;
}

interface DecodedValue {
  string_value?: string;
  bool_value?: boolean;
  int_value?: { toNumber(): number } | number;
  double_value?: number;
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  let refused = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.url !== '/v1/traces' || req.headers['content-type'] !== 'application/x-protobuf') {
        refused += 1;
        res.writeHead(415).end();
        return;
      }
      const body = ExportTraceServiceRequest.toObject(ExportTraceServiceRequest.decode(Buffer.concat(chunks)), { longs: Number, bytes: Buffer, oneofs: false }) as {
        resource_spans?: { resource?: { attributes?: { key: string; value?: DecodedValue }[] }; scope_spans?: { spans?: Record<string, unknown>[] }[] }[];
      };
      for (const resourceSpans of body.resource_spans ?? []) {
        const service = String(attributesOf(resourceSpans.resource?.attributes)['service.name'] ?? '');
        for (const scope of resourceSpans.scope_spans ?? []) {
          for (const span of (scope.spans ?? []) as { trace_id: Buffer; span_id: Buffer; parent_span_id?: Buffer; name: string; attributes?: { key: string; value?: DecodedValue }[]; events?: { name: string; time_unix_nano: number }[] }[]) {
            spans.push({
              service,
              name: span.name,
              traceId: span.trace_id.toString('hex'),
              spanId: span.span_id.toString('hex'),
              parentSpanId: span.parent_span_id?.toString('hex') ?? '',
              attributes: attributesOf(span.attributes),
              events: [...(span.events ?? [])].sort((a, b) => a.time_unix_nano - b.time_unix_nano).map((event) => event.name),
            });
          }
        }
      }
      // An empty ExportTraceServiceResponse: zero bytes of protobuf.
      res.writeHead(200, { 'Content-Type': 'application/x-protobuf' }).end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    spans,
    get refused() {
      return refused;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function attributesOf(list: { key: string; value?: DecodedValue }[] | undefined): Record<string, string | number | boolean> {
  const attributes: Record<string, string | number | boolean> = {};
  for (const { key, value } of list ?? []) {
    if (value?.string_value !== undefined) attributes[key] = value.string_value;
    else if (value?.bool_value !== undefined) attributes[key] = value.bool_value;
    else if (value?.int_value !== undefined) attributes[key] = Number(value.int_value);
    else if (value?.double_value !== undefined) attributes[key] = value.double_value;
  }
  return attributes;
}
