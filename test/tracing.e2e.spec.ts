// One inference is one trace: spans from the gateway, the scheduler and the executor, exported
// over OTLP (as Jaeger receives them) and linked parent to child.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join, resolve } from 'node:path';
import { freePort } from '@flotilla/local-cluster';
import { http, range, simpleRequest, startFlotilla, type TestFlotilla } from './support/flotilla';
import { createGrpcClient, Metadata, simpleRawRequest, unaryCall } from './support/grpc';
import { linkModel, testRepository } from './support/repository';

/** `simple` whose instance needs a resource: with rate limiting on, it runs only on a grant. */
function simpleNeedingAResource(): Record<string, string> {
  const config = readFileSync(join(resolve(__dirname, '../examples/model_repository'), 'simple', 'config.pbtxt'), 'utf8')
    .replace(/^name:\s*"simple"/m, 'name: "simple_limited"')
    .replace(/instance_group\s*\[\s*\{\s*count:\s*1,\s*kind:\s*KIND_CPU\s*\}\s*\]/, 'instance_group [ { count: 1, kind: KIND_CPU, rate_limiter { resources [ { name: "R", count: 1 } ] } } ]');
  if (!config.includes('simple_limited') || !config.includes('rate_limiter')) throw new Error("cannot derive simple_limited from simple's config.pbtxt");
  return { 'simple_limited/config.pbtxt': config };
}

interface ReceivedSpan {
  service: string;
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
}

let flotilla: TestFlotilla;
let rateLimited: TestFlotilla;
let receiver: Server;
const spans: ReceivedSpan[] = [];

/** A minimal OTLP/HTTP JSON receiver: what Jaeger's port 4318 would get. */
function startReceiver(port: number): Server {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString() || '{}');
      for (const resourceSpans of body.resourceSpans ?? []) {
        const service = resourceSpans.resource?.attributes?.find((a: { key: string }) => a.key === 'service.name')?.value?.stringValue ?? '';
        for (const scope of resourceSpans.scopeSpans ?? []) {
          for (const span of scope.spans ?? []) spans.push({ service, name: span.name, traceId: span.traceId, spanId: span.spanId, parentSpanId: span.parentSpanId ?? '' });
        }
      }
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
    });
  });
  server.listen(port, '127.0.0.1');
  return server;
}

beforeAll(async () => {
  const port = await freePort();
  receiver = startReceiver(port);
  const env = { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' };
  [flotilla, rateLimited] = await Promise.all([
    startFlotilla({ name: 'tracing', modelRepository: testRepository(), env }),
    startFlotilla({ name: 'tracing-rate-limited', modelRepository: limitedRepository(), env, rateLimit: 'execution_count' }),
  ]);
});

function limitedRepository(): string {
  const repository = testRepository(simpleNeedingAResource());
  linkModel(repository, 'simple', 'simple_limited');
  return repository;
}

afterAll(async () => {
  await Promise.all([flotilla?.stop(), rateLimited?.stop()]);
  receiver?.close();
});

/** Sends the model (`simple`'s inputs) one request in the given trace and returns that trace's spans by name, once all three services exported theirs. */
async function traceOf(url: string, traceId: string, names: readonly string[], model = 'simple'): Promise<Map<string, ReceivedSpan>> {
  const response = await http(`${url}/v2/models/${model}/infer`, {
    method: 'POST',
    headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
    body: JSON.stringify(simpleRequest(range(16), range(16))),
  });
  expect(response.status).toBe(200);
  return spansOf(traceId, names);
}

async function spansOf(traceId: string, names: readonly string[]): Promise<Map<string, ReceivedSpan>> {
  const deadline = Date.now() + 15_000;
  const mine = () => spans.filter((span) => span.traceId === traceId);
  while (!names.every((name) => mine().some((span) => span.name === name)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  return new Map(mine().map((span) => [span.name, span]));
}

it('links gateway → scheduler → executor spans of one request into one trace', async () => {
  const byName = await traceOf(flotilla.url, '4bf92f3577b34da6a3ce929d0e0e4736', ['InferRequest', 'queue', 'compute']);
  const request = byName.get('InferRequest');
  const queue = byName.get('queue');
  const compute = byName.get('compute');
  expect(request).toMatchObject({ service: 'flotilla-gateway', parentSpanId: '00f067aa0ba902b7' });
  expect(queue).toMatchObject({ service: 'flotilla-scheduler', parentSpanId: request?.spanId });
  expect(compute).toMatchObject({ service: 'flotilla-executor', parentSpanId: queue?.spanId });
  expect(byName.has('rate-limiter wait')).toBe(false); // rate limiting off: no such wait
});

it('gives a gRPC request the same trace: InferRequest under the caller’s traceparent metadata, then queue and compute', async () => {
  const traceId = '6bf92f3577b34da6a3ce929d0e0e4738';
  const client = createGrpcClient(flotilla.grpcAddress);
  try {
    const metadata = new Metadata();
    metadata.set('traceparent', `00-${traceId}-00f067aa0ba902b7-01`);
    await unaryCall(client, 'ModelInfer', simpleRawRequest(range(16), range(16)), metadata);
  } finally {
    client.close();
  }
  const byName = await spansOf(traceId, ['InferRequest', 'queue', 'compute']);
  const request = byName.get('InferRequest');
  expect(request).toMatchObject({ service: 'flotilla-gateway', parentSpanId: '00f067aa0ba902b7' });
  expect(byName.get('queue')).toMatchObject({ service: 'flotilla-scheduler', parentSpanId: request?.spanId });
  expect(byName.get('compute')).toMatchObject({ service: 'flotilla-executor', parentSpanId: byName.get('queue')?.spanId });
});

it('with rate limiting on, shows the wait for resources as its own span inside the queue wait', async () => {
  const byName = await traceOf(rateLimited.url, '5bf92f3577b34da6a3ce929d0e0e4737', ['InferRequest', 'queue', 'rate-limiter wait', 'compute'], 'simple_limited');
  const queue = byName.get('queue');
  expect(byName.get('rate-limiter wait')).toMatchObject({ service: 'flotilla-scheduler', parentSpanId: queue?.spanId });
  expect(byName.get('compute')).toMatchObject({ service: 'flotilla-executor', parentSpanId: queue?.spanId });
});

it('with rate limiting on, an instance that needs no resources runs without waiting for a grant', async () => {
  const byName = await traceOf(rateLimited.url, '6bf92f3577b34da6a3ce929d0e0e4738', ['InferRequest', 'queue', 'compute']);
  expect(byName.get('compute')).toMatchObject({ service: 'flotilla-executor', parentSpanId: byName.get('queue')?.spanId });
  expect(byName.has('rate-limiter wait')).toBe(false);
});
