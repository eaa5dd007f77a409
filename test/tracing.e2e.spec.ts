// One inference is one trace: spans from the gateway, the scheduler and the executor, exported
// over OTLP/HTTP in protobuf (what Jaeger's collector accepts on 4318), decoded by a receiver of
// our own, and linked parent to child. Which requests are traced is Triton's trace settings'.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { freePort } from '@flotilla/local-cluster';
import { http, postJson, range, simpleRequest, startFlotilla, type TestFlotilla } from './support/flotilla';
import { createGrpcClient, grpcRefusal, Metadata, simpleRawRequest, status, unaryCall } from './support/grpc';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from './support/otlp-receiver';
import { linkModel, testRepository } from './support/repository';

/** `simple` whose instance needs a resource: with rate limiting on, it runs only on a grant. */
function simpleNeedingAResource(): Record<string, string> {
  const config = readFileSync(join(resolve(__dirname, '../examples/model_repository'), 'simple', 'config.pbtxt'), 'utf8')
    .replace(/^name:\s*"simple"/m, 'name: "simple_limited"')
    .replace(/instance_group\s*\[\s*\{\s*count:\s*1,\s*kind:\s*KIND_CPU\s*\}\s*\]/, 'instance_group [ { count: 1, kind: KIND_CPU, rate_limiter { resources [ { name: "R", count: 1 } ] } } ]');
  if (!config.includes('simple_limited') || !config.includes('rate_limiter')) throw new Error("cannot derive simple_limited from simple's config.pbtxt");
  return { 'simple_limited/config.pbtxt': config };
}

let flotilla: TestFlotilla;
let rateLimited: TestFlotilla;
let receiver: OtlpReceiver;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  // The exporter's default protocol is http/protobuf, as Jaeger's collector takes it.
  const env = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint };
  // Tracing on (Triton's default is OFF); rate 1000 by default, so only requests with a traceparent, until a test sets a rate.
  const gatewayFlags = ['--trace-config', 'level=TIMESTAMPS'];
  [flotilla, rateLimited] = await Promise.all([
    startFlotilla({ name: 'tracing', modelRepository: simpleRepository(), env, gatewayFlags }),
    startFlotilla({ name: 'tracing-rate-limited', modelRepository: limitedRepository(), env, gatewayFlags, rateLimit: 'execution_count' }),
  ]);
});

/** `simple` with dynamic batching: requests sent together run as one batch (up to 300 ms apart). */
function simpleBatched(): Record<string, string> {
  const config = readFileSync(join(resolve(__dirname, '../examples/model_repository'), 'simple', 'config.pbtxt'), 'utf8').replace(/^name:\s*"simple"/m, 'name: "simple_batched"');
  return { 'simple_batched/config.pbtxt': `${config}\ndynamic_batching { preferred_batch_size: [ 2 ] max_queue_delay_microseconds: 300000 }\n` };
}

function simpleRepository(): string {
  const repository = testRepository(simpleBatched());
  linkModel(repository, 'simple', 'simple_batched');
  return repository;
}

function limitedRepository(): string {
  const repository = testRepository(simpleNeedingAResource());
  linkModel(repository, 'simple', 'simple_limited');
  return repository;
}

afterAll(async () => {
  await Promise.all([flotilla?.stop(), rateLimited?.stop()]);
  await receiver?.close();
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
  const mine = () => receiver.spans.filter((span) => span.traceId === traceId);
  while (!names.every((name) => mine().some((span) => span.name === name)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  return new Map(mine().map((span) => [span.name, span]));
}

it('links gateway → model → scheduler → executor spans of one request into one trace, with Triton’s timestamps as events', async () => {
  const byName = await traceOf(flotilla.url, '4bf92f3577b34da6a3ce929d0e0e4736', ['InferRequest', 'simple', 'queue', 'compute']);
  const request = byName.get('InferRequest');
  const model = byName.get('simple');
  const queue = byName.get('queue');
  const compute = byName.get('compute');
  expect(request).toMatchObject({ service: 'flotilla-gateway', parentSpanId: '00f067aa0ba902b7' });
  expect(model).toMatchObject({ service: 'flotilla-gateway', parentSpanId: request?.spanId, events: ['REQUEST_START', 'REQUEST_END'] });
  expect(model?.attributes).toMatchObject({ 'triton.model_name': 'simple', 'triton.model_version': '1' });
  expect(queue).toMatchObject({ service: 'flotilla-scheduler', parentSpanId: model?.spanId, events: ['QUEUE_START'] });
  expect(compute).toMatchObject({ service: 'flotilla-executor', parentSpanId: queue?.spanId });
  expect(compute?.events).toEqual(['COMPUTE_START', 'COMPUTE_INPUT_END', 'COMPUTE_OUTPUT_START', 'COMPUTE_END']);
  expect(byName.has('rate-limiter wait')).toBe(false); // rate limiting off: no such wait
  expect(receiver.refused).toBe(0); // every export was protobuf
});

it('in a dynamic batch, records the compute span of the traced request only, saying it ran with another', async () => {
  const traceId = '8bf92f3577b34da6a3ce929d0e0e4740';
  const send = (headers: Record<string, string>) =>
    http(`${flotilla.url}/v2/models/simple_batched/infer`, { method: 'POST', headers, body: JSON.stringify(simpleRequest(range(16), range(16), { parameters: { flotilla_execution_info: true } })) });
  // One request brings a traceparent (always traced), the other none (rate 1000: not traced); together they form one batch.
  const [traced, untraced] = await Promise.all([send({ traceparent: `00-${traceId}-00f067aa0ba902b7-01` }), send({})]);
  expect([traced.status, untraced.status]).toEqual([200, 200]);
  expect(traced.json<{ parameters: Record<string, unknown> }>().parameters).toMatchObject({ flotilla_batch_requests: 2 });
  const byName = await spansOf(traceId, ['InferRequest', 'simple_batched', 'queue', 'compute']);
  expect(byName.get('compute')).toMatchObject({ parentSpanId: byName.get('queue')?.spanId, attributes: expect.objectContaining({ 'flotilla.batch_requests': 2, 'flotilla.batch_size': 2 }) });
  expect(byName.get('compute')?.events).toEqual(['COMPUTE_START', 'COMPUTE_INPUT_END', 'COMPUTE_OUTPUT_START', 'COMPUTE_END']);
  // Both requests' spans would leave the executor in one message: only the traced one's did.
  expect(receiver.spans.filter((span) => span.name === 'compute' && span.attributes['triton.model_name'] === 'simple_batched')).toHaveLength(1);
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
  const byName = await spansOf(traceId, ['InferRequest', 'simple', 'queue', 'compute']);
  const request = byName.get('InferRequest');
  expect(request).toMatchObject({ service: 'flotilla-gateway', parentSpanId: '00f067aa0ba902b7' });
  expect(byName.get('simple')).toMatchObject({ service: 'flotilla-gateway', parentSpanId: request?.spanId });
  expect(byName.get('queue')).toMatchObject({ service: 'flotilla-scheduler', parentSpanId: byName.get('simple')?.spanId });
  expect(byName.get('compute')).toMatchObject({ service: 'flotilla-executor', parentSpanId: byName.get('queue')?.spanId });
});

it('with rate limiting on, shows the wait for resources as its own span inside the queue wait', async () => {
  const byName = await traceOf(rateLimited.url, '5bf92f3577b34da6a3ce929d0e0e4737', ['InferRequest', 'queue', 'rate-limiter wait', 'compute'], 'simple_limited');
  const queue = byName.get('queue');
  expect(byName.get('rate-limiter wait')).toMatchObject({ service: 'flotilla-scheduler', parentSpanId: queue?.spanId });
  expect(byName.get('compute')).toMatchObject({ service: 'flotilla-executor', parentSpanId: queue?.spanId });
});

it('with rate limiting on, an instance that needs no resources runs without waiting for a grant', async () => {
  const byName = await traceOf(rateLimited.url, '7bf92f3577b34da6a3ce929d0e0e4739', ['InferRequest', 'queue', 'compute']);
  expect(byName.get('compute')).toMatchObject({ service: 'flotilla-executor', parentSpanId: byName.get('queue')?.spanId });
  expect(byName.has('rate-limiter wait')).toBe(false);
});

describe("Triton's trace extension", () => {
  const settingUrl = (model?: string) => `${flotilla.url}/v2${model ? `/models/${model}` : ''}/trace/setting`;
  /** Sends `simple` one request with this id and no traceparent: only the trace settings decide. */
  const inferWithId = async (id: string) => expect((await postJson(`${flotilla.url}/v2/models/simple/infer`, simpleRequest(range(16), range(16), { id }))).status).toBe(200);
  /** The ids of the requests whose InferRequest span arrived. */
  const tracedIds = () => new Set(receiver.spans.filter((span) => span.name === 'InferRequest').map((span) => span.attributes['triton.request_id']));
  /**
   * Waits until the request `marker` (traced for sure: it brings a traceparent) is exported by all
   * three services. Each exports its spans in the order they ended, so every earlier request that
   * was traced is in by then too: what is missing was not traced.
   */
  async function flushWith(marker: string): Promise<void> {
    const traceId = marker.padStart(32, '0');
    const response = await postJson(`${flotilla.url}/v2/models/simple/infer`, simpleRequest(range(16), range(16), { id: marker }));
    expect(response.status).toBe(200);
    await http(`${flotilla.url}/v2/models/simple/infer`, {
      method: 'POST',
      headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
      body: JSON.stringify(simpleRequest(range(16), range(16), { id: `${marker}-flush` })),
    });
    await spansOf(traceId, ['InferRequest', 'queue', 'compute']);
  }
  /** The ids of the requests whose scheduler `queue` span arrived: the scheduler followed the gateway's decision. */
  const queuedIds = () => new Set(receiver.spans.filter((span) => span.name === 'queue').map((span) => span.attributes['triton.request_id']));

  afterEach(async () => {
    await postJson(settingUrl('simple'), { trace_level: null, trace_rate: null, trace_count: null });
    await postJson(settingUrl(), { trace_level: null, trace_rate: null, trace_count: null });
  });

  it('is listed by GET /v2 and answers the settings as Triton does: strings, and the level as an array', async () => {
    expect((await http(`${flotilla.url}/v2`)).json<{ extensions: string[] }>().extensions).toContain('trace');
    const settings = await http(settingUrl());
    expect(settings.status).toBe(200);
    expect(settings.json()).toEqual({ trace_level: ['TIMESTAMPS'], trace_rate: '1000', trace_count: '-1', log_frequency: '0', trace_mode: 'opentelemetry' });
  });

  it('traces every request at trace_rate 1, and stops once trace_count is spent', async () => {
    const set = await postJson(settingUrl(), { trace_rate: '1', trace_count: '2' });
    expect(set.json()).toMatchObject({ trace_rate: '1', trace_count: '2' });
    for (const id of ['count-1', 'count-2', 'count-3']) await inferWithId(id);
    expect((await http(settingUrl())).json()).toMatchObject({ trace_count: '0' });
    await postJson(settingUrl(), { trace_count: '-1' });
    await flushWith('c0ffee01');
    const ids = tracedIds();
    expect(ids.has('count-1') && ids.has('count-2')).toBe(true);
    expect(ids.has('count-3')).toBe(false);
    // Downstream services follow the gateway's decision: the scheduler traced the same requests.
    expect(queuedIds().has('count-1') && queuedIds().has('count-2')).toBe(true);
    expect(queuedIds().has('count-3')).toBe(false);
  });

  it('gives a model its own settings, which null clears back to the global ones', async () => {
    await postJson(settingUrl(), { trace_rate: '1' });
    const own = await postJson(settingUrl('simple'), { trace_level: ['OFF'] });
    expect(own.status).toBe(200);
    expect(own.json()).toMatchObject({ trace_level: ['OFF'], trace_rate: '1' });
    expect((await http(settingUrl())).json()).toMatchObject({ trace_level: ['TIMESTAMPS'] });
    await inferWithId('model-off');
    const cleared = await postJson(settingUrl('simple'), { trace_level: null });
    expect(cleared.json()).toMatchObject({ trace_level: ['TIMESTAMPS'] });
    await inferWithId('model-on');
    await flushWith('c0ffee02');
    expect(tracedIds().has('model-off')).toBe(false);
    expect(tracedIds().has('model-on')).toBe(true);
  });

  it('answers the same settings over gRPC TraceSetting, each value a list of strings; an empty list clears', async () => {
    const client = createGrpcClient(flotilla.grpcAddress);
    type Settings = { settings: Record<string, { value: string[] }> };
    try {
      const global = await unaryCall<Settings>(client, 'TraceSetting', { settings: {}, model_name: '' });
      expect(global.settings).toMatchObject({ trace_level: { value: ['TIMESTAMPS'] }, trace_rate: { value: ['1000'] }, trace_mode: { value: ['opentelemetry'] } });
      const set = await unaryCall<Settings>(client, 'TraceSetting', { settings: { trace_rate: { value: ['7'] } }, model_name: 'simple' });
      expect(set.settings.trace_rate).toEqual({ value: ['7'] });
      expect((await http(settingUrl('simple'))).json()).toMatchObject({ trace_rate: '7' });
      const cleared = await unaryCall<Settings>(client, 'TraceSetting', { settings: { trace_rate: { value: [] } }, model_name: 'simple' });
      expect(cleared.settings.trace_rate).toEqual({ value: ['1000'] });
      const file = await grpcRefusal(unaryCall(client, 'TraceSetting', { settings: { trace_file: { value: ['/tmp/t.json'] } }, model_name: '' }));
      expect([file.code, file.details]).toEqual([status.UNIMPLEMENTED, 'trace file location can not be updated through network protocol']);
    } finally {
      client.close();
    }
  });

  it('applies a change taken by one gateway in every other gateway too', async () => {
    const port = await freePort();
    const second = spawn(
      process.execPath,
      [resolve(__dirname, '../dist/apps/gateway/src/main.js'), ...flotilla.cluster.busFlags('gateway'), '--http-port', String(port), '--http-address', '127.0.0.1', '--allow-grpc', 'false', '--trace-config', 'level=TIMESTAMPS'],
      { env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint }, stdio: 'ignore' },
    );
    try {
      const secondUrl = `http://127.0.0.1:${port}/v2/models/simple/trace/setting`;
      const rateAtSecond = async (expected: string) => {
        const deadline = Date.now() + 30_000;
        for (;;) {
          const answer = await http(secondUrl).catch(() => undefined);
          const rate = answer?.status === 200 ? answer.json<{ trace_rate: string }>().trace_rate : undefined;
          if (rate === expected || Date.now() > deadline) return rate;
          await new Promise((r) => setTimeout(r, 100));
        }
      };
      expect(await rateAtSecond('1000')).toBe('1000'); // up, with its own --trace-config
      expect((await postJson(settingUrl('simple'), { trace_rate: '3' })).status).toBe(200);
      expect(await rateAtSecond('3')).toBe('3');
      // And back: cleared at the second gateway, the first follows.
      expect((await postJson(secondUrl, { trace_rate: null })).json()).toMatchObject({ trace_rate: '1000' });
      const deadline = Date.now() + 10_000;
      while ((await http(settingUrl('simple'))).json<{ trace_rate: string }>().trace_rate !== '1000' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect((await http(settingUrl('simple'))).json()).toMatchObject({ trace_rate: '1000' });
    } finally {
      second.kill('SIGTERM');
    }
  });

  it('refuses, naming it, what it would not honour: trace_file, Triton’s file mode, numbers for strings, unknown keys and models', async () => {
    const file = await postJson(settingUrl(), { trace_file: '/tmp/trace.json' });
    expect(file.status).toBe(501);
    expect(file.json()).toEqual({ error: 'trace file location can not be updated through network protocol' });
    expect((await postJson(settingUrl(), { trace_mode: 'triton' })).json<{ error: string }>().error).toMatch(/trace_mode 'triton'/);
    expect((await postJson(settingUrl(), { log_frequency: '10' })).json<{ error: string }>().error).toMatch(/log_frequency/);
    const number = await postJson(settingUrl(), { trace_rate: 5 });
    expect(number.status).toBe(400);
    expect(number.json<{ error: string }>().error).toMatch(/trace_rate must be a string/);
    expect((await postJson(settingUrl(), { trace_rate: '1', sampling: 'all' })).json<{ error: string }>().error).toMatch(/unknown trace setting 'sampling'/);
    // Nothing of a refused request was applied.
    expect((await http(settingUrl())).json()).toMatchObject({ trace_rate: '1000' });
    const unknown = await http(settingUrl('no_such_model'));
    expect(unknown.status).toBe(400);
    expect(unknown.json<{ error: string }>().error).toMatch(/unknown model/);
  });
});

it('refuses at start a --trace-config it does not honour, naming it', async () => {
  const gateway = resolve(__dirname, '../dist/apps/gateway/src/main.js');
  const run = (config: string) => spawnSync(process.execPath, [gateway, '--trace-config', config], { encoding: 'utf8', env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint }, timeout: 30_000 });
  const file = run('triton,file=/tmp/trace.json');
  expect(file.status).toBe(2);
  expect(file.stdout + file.stderr).toMatch(/--trace-config triton,file/);
  const tensors = run('level=TENSORS');
  expect(tensors.status).toBe(2);
  expect(tensors.stdout + tensors.stderr).toMatch(/TENSORS/);
});
