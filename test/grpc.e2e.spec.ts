// KServe v2 over gRPC end to end: a @grpc/grpc-js client against the gateway's gRPC port, the
// request going through the same services (real nats-server, scheduler, executor running ONNX
// Runtime) as HTTP requests, and answering as HTTP does.
import type { ClientDuplexStream } from '@grpc/grpc-js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { INFERENCE_SERVICE, HEALTH_SERVICE } from '@flotilla/kserve-grpc';
import { http, postJson, range, simpleRequest, startFlotilla, type TestFlotilla } from './support/flotilla';
import {
  closeClient,
  createGrpcClient,
  fp32Bytes,
  fp32Values,
  grpcRefusal,
  Metadata,
  outputsByName,
  simpleRawRequest,
  simpleTypedRequest,
  status,
  unaryCall,
  type GrpcClient,
  type InferResponseObject,
} from './support/grpc';
import { linkModel, sleepModel, testRepository } from './support/repository';

const MiB = 1024 * 1024;
let flotilla: TestFlotilla;
let client: GrpcClient;
let health: GrpcClient;

beforeAll(async () => {
  const repository = testRepository({
    'broken/config.pbtxt': 'name: "broken"\nplatform: "onnxruntime_onnx"\nmax_batch_size: 8\ninput [ { name: "X" data_type: TYPE_FP32 dims: [ 4 ] ]\n',
    // One instance that takes 1.5 s a request: something to queue behind.
    ...sleepModel('sleeper', '{ count: 1, kind: KIND_CPU }', 1500),
    // `simple` with a setting Flotilla accepts without acting on: its config carries a warning.
    'tagged/config.pbtxt': `${readFileSync(join(__dirname, '../examples/model_repository/simple/config.pbtxt'), 'utf8').replace('name: "simple"', 'name: "tagged"')}metric_tags { key: "team" value: "vision" }\n`,
  });
  linkModel(repository, 'simple', 'tagged');
  flotilla = await startFlotilla({
    name: 'grpc',
    modelRepository: repository,
    strictReadiness: false,
    // Small limits, so that oversize messages are cheap to make: requests up to 2 MiB, responses up to 1 MiB.
    gatewayFlags: ['--grpc-max-receive-message-bytes', String(2 * MiB), '--grpc-max-send-message-bytes', String(MiB)],
  });
  client = createGrpcClient(flotilla.grpcAddress);
  health = createGrpcClient(flotilla.grpcAddress, HEALTH_SERVICE);
});

afterAll(async () => {
  closeClient(client);
  closeClient(health);
  await flotilla?.stop();
});

const a = range(16).map((i) => i * 1.5);
const b = range(16).map((i) => 100 - i);
const sums = a.map((x, i) => x + b[i]);
const differences = a.map((x, i) => x - b[i]);
const infer = (request: object, metadata?: Metadata) => unaryCall<InferResponseObject>(client, 'ModelInfer', request, metadata);
const httpError = async (path: string, body: unknown) => (await postJson(`${flotilla.url}${path}`, body)).json<{ error: string }>().error;

/** After every refusal: the server still answers a good request, exactly. */
async function expectStillServing(): Promise<void> {
  expect(outputsByName(await infer(simpleRawRequest(a, b))).OUTPUT0).toEqual(sums);
}

describe('ModelInfer', () => {
  it('returns exact simple results for raw contents, with the request id, in raw_output_contents', async () => {
    const response = await infer(simpleRawRequest(a, b, { id: 'raw-1' }));
    expect(response).toMatchObject({ id: 'raw-1', model_name: 'simple', model_version: '1' });
    expect(response.outputs.map((o) => [o.name, o.datatype, o.shape.map(Number)])).toEqual([
      ['OUTPUT0', 'FP32', [1, 16]],
      ['OUTPUT1', 'FP32', [1, 16]],
    ]);
    expect(outputsByName(response)).toEqual({ OUTPUT0: sums, OUTPUT1: differences });
  });

  it('returns exact simple results for typed contents', async () => {
    const response = await infer(simpleTypedRequest(a, b, { id: 'typed-1', model_version: '1' }));
    expect(response.id).toBe('typed-1');
    expect(outputsByName(response)).toEqual({ OUTPUT0: sums, OUTPUT1: differences });
  });

  it('returns only the outputs asked for', async () => {
    const response = await infer(simpleRawRequest(a, b, { outputs: [{ name: 'OUTPUT1' }] }));
    expect(response.outputs.map((o) => o.name)).toEqual(['OUTPUT1']);
    expect(fp32Values(response.raw_output_contents[0])).toEqual(differences);
  });

  it('moves a 512 KiB tensor exactly and says how, in response parameters', async () => {
    const values = range(1 << 17).map((i) => Math.sin(i));
    const response = await infer({
      model_name: 'identity_fp32',
      parameters: { flotilla_execution_info: { bool_param: true } },
      inputs: [{ name: 'INPUT0', datatype: 'FP32', shape: [1, 1 << 17] }],
      raw_input_contents: [fp32Bytes(values)],
    });
    expect(Buffer.compare(response.raw_output_contents[0], fp32Bytes(values))).toBe(0);
    expect(response.parameters.flotilla_tensors_via).toMatchObject({ string_param: 'shared-memory' });
    expect(response.parameters.flotilla_instance).toMatchObject({ string_param: 'identity_fp32_0_0' });
  });
});

describe('deadlines', () => {
  const sleeperRequest = { model_name: 'sleeper', inputs: [{ name: 'INPUT0', datatype: 'FP32', shape: [1], contents: { fp32_contents: [1] } }] };
  const queued = async () => (await http(`${flotilla.url}/v2/flotilla/slots`)).json<{ models: { name: string; queued: number; slots: { busy: boolean }[] }[] }>().models.find((m) => m.name === 'sleeper')!;

  it('takes a request whose client gave up out of the scheduler’s queue at its gRPC deadline', async () => {
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    // The instance runs one and holds what it prefetched; the rest wait in the scheduler's queue.
    const ahead = range(3).map(() => infer(sleeperRequest));
    await sleep(300);
    const before = (await queued()).queued;
    const late = grpcRefusal(unaryCall(client, 'ModelInfer', sleeperRequest, new Metadata(), { deadline: Date.now() + 600 }));
    await sleep(250);
    expect((await queued()).queued).toBe(before + 1);
    expect((await late).code).toBe(status.DEADLINE_EXCEEDED);
    // The scheduler dropped it at the same deadline, long before the instance is free.
    await sleep(150);
    const model = await queued();
    expect(model.slots.some((slot) => slot.busy)).toBe(true);
    expect(model.queued).toBe(before);
    expect((await Promise.all(ahead)).map((response) => response.model_name)).toEqual(['sleeper', 'sleeper', 'sleeper']);
  });
});

describe('ModelStreamInfer', () => {
  type StreamResponse = { error_message: string; infer_response: InferResponseObject };

  /** Writes every request, half-closes, and collects every response until the server ends the stream. */
  function stream(requests: readonly object[]): Promise<StreamResponse[]> {
    return new Promise((resolve, reject) => {
      const call = client.ModelStreamInfer() as ClientDuplexStream<object, StreamResponse>;
      const responses: StreamResponse[] = [];
      call.on('data', (response: StreamResponse) => responses.push(response));
      call.on('end', () => resolve(responses));
      call.on('error', reject);
      for (const request of requests) call.write(request);
      call.end();
    });
  }

  it('answers a stream of 100 requests, each response matched to its request by id', async () => {
    const inputs = range(100).map((n) => range(16).map((i) => n * 100 + i));
    const requests = inputs.map((x, n) => (n % 2 === 0 ? simpleRawRequest(x, b, { id: `s-${n}` }) : simpleTypedRequest(x, b, { id: `s-${n}` })));
    const responses = await stream(requests);
    expect(responses).toHaveLength(100);
    const byId = new Map(responses.map((r) => [r.infer_response.id, r]));
    expect([...byId.keys()].sort()).toEqual(range(100).map((n) => `s-${n}`).sort());
    for (const [n, x] of inputs.entries()) {
      const response = byId.get(`s-${n}`)!;
      expect(response.error_message).toBe('');
      expect(outputsByName(response.infer_response)).toEqual({ OUTPUT0: x.map((v, i) => v + b[i]), OUTPUT1: x.map((v, i) => v - b[i]) });
    }
  });

  it('ends only the request that failed: its error comes back with its id, the others are answered', async () => {
    const tooLarge = { model_name: 'identity_fp32', id: 'too-large', inputs: [{ name: 'INPUT0', datatype: 'FP32', shape: [1, 384 * 1024] }], raw_input_contents: [Buffer.alloc(1.5 * MiB)] };
    const responses = await stream([
      simpleRawRequest(a, b, { id: 'good-1' }),
      simpleRawRequest(a, b, { id: 'unknown', model_name: 'no_such_model' }),
      simpleRawRequest(a, b, { id: 'short', raw_input_contents: [fp32Bytes(a.slice(1)), fp32Bytes(b)] }),
      tooLarge,
      simpleTypedRequest(a, b, { id: 'good-2' }),
    ]);
    const byId = new Map(responses.map((r) => [r.infer_response.id, r]));
    expect(byId.size).toBe(5);
    expect(byId.get('unknown')?.error_message).toBe("Request for unknown model: 'no_such_model' is not found");
    expect(byId.get('short')?.error_message).toBe("[request id: short] unexpected total byte size 60 for input 'INPUT0', expecting 64");
    expect(byId.get('too-large')?.error_message).toMatch(/^the response is \d+ bytes, above the gateway's gRPC send limit of 1048576 bytes \(--grpc-max-send-message-bytes\)$/);
    for (const id of ['good-1', 'good-2']) {
      expect(byId.get(id)?.error_message).toBe('');
      expect(outputsByName(byId.get(id)!.infer_response).OUTPUT0).toEqual(sums);
    }
  });

  it('answers a malformed message in the stream with an error and goes on', async () => {
    const responses = await new Promise<StreamResponse[]>((resolve, reject) => {
      const raw = client.makeBidiStreamRequest(`/${INFERENCE_SERVICE}/ModelStreamInfer`, (bytes: Buffer) => bytes, (bytes: Buffer) => bytes);
      const decoded: StreamResponse[] = [];
      const decode = (client.constructor as unknown as { service: Record<string, { responseDeserialize(b: Buffer): StreamResponse }> }).service.ModelStreamInfer.responseDeserialize;
      raw.on('data', (bytes: Buffer) => decoded.push(decode(bytes)));
      raw.on('end', () => resolve(decoded));
      raw.on('error', reject);
      raw.write(Buffer.from([0x3a, 0x10, 0x41]));
      raw.end();
    });
    expect(responses).toHaveLength(1);
    expect(responses[0].error_message).toMatch(/^the request is not a valid ModelInferRequest protobuf message: index out of range/);
  });
});

describe('bad requests: INVALID_ARGUMENT (or the code HTTP maps to) with HTTP’s message, and the server keeps serving', () => {
  it('unknown model', async () => {
    const error = await grpcRefusal(infer(simpleRawRequest(a, b, { model_name: 'no_such_model' })));
    expect([error.code, error.details]).toEqual([status.INVALID_ARGUMENT, "Request for unknown model: 'no_such_model' is not found"]);
    expect(error.details).toBe(await httpError('/v2/models/no_such_model/infer', simpleRequest(a, b)));
    await expectStillServing();
  });

  it('unknown version', async () => {
    const error = await grpcRefusal(infer(simpleRawRequest(a, b, { model_version: '9' })));
    expect([error.code, error.details]).toEqual([status.NOT_FOUND, "Request for unknown model: 'simple' version 9 is not found"]);
    await expectStillServing();
  });

  it('bad shape', async () => {
    const request = simpleTypedRequest(a, b);
    request.inputs[0] = { name: 'INPUT0', datatype: 'FP32', shape: [1, 8], contents: { fp32_contents: a.slice(0, 8) } };
    const error = await grpcRefusal(infer(request));
    expect([error.code, error.details]).toEqual([status.INVALID_ARGUMENT, "unexpected shape for input 'INPUT0' for model 'simple'. Expected [-1,16], got [1,8]"]);
    const httpBody = { inputs: [{ name: 'INPUT0', shape: [1, 8], datatype: 'FP32', data: a.slice(0, 8) }, { name: 'INPUT1', shape: [1, 16], datatype: 'FP32', data: b }] };
    expect(error.details).toBe(await httpError('/v2/models/simple/infer', httpBody));
    await expectStillServing();
  });

  it('contents of the wrong type for the datatype', async () => {
    const request = simpleTypedRequest(a, b);
    request.inputs[1] = { name: 'INPUT1', datatype: 'FP32', shape: [1, 16], contents: { int_contents: range(16) } as never };
    const error = await grpcRefusal(infer(request));
    expect([error.code, error.details]).toEqual([
      status.INVALID_ARGUMENT,
      "input 'INPUT1' has datatype FP32, whose elements go in contents.fp32_contents, but the request filled contents.int_contents",
    ]);
    await expectStillServing();
  });

  it('raw contents of the wrong size, with the same text as HTTP’s binary extension', async () => {
    const error = await grpcRefusal(infer(simpleRawRequest(a, b, { id: 'w', raw_input_contents: [fp32Bytes(a), fp32Bytes(b.slice(2))] })));
    expect([error.code, error.details]).toEqual([status.INVALID_ARGUMENT, "[request id: w] unexpected total byte size 56 for input 'INPUT1', expecting 64"]);
    const header = Buffer.from(
      JSON.stringify({
        id: 'w',
        inputs: [
          { name: 'INPUT0', shape: [1, 16], datatype: 'FP32', parameters: { binary_data_size: 64 } },
          { name: 'INPUT1', shape: [1, 16], datatype: 'FP32', parameters: { binary_data_size: 56 } },
        ],
      }),
    );
    const viaHttp = await http(`${flotilla.url}/v2/models/simple/infer`, {
      method: 'POST',
      headers: { 'Inference-Header-Content-Length': String(header.byteLength) },
      body: Buffer.concat([header, fp32Bytes(a), fp32Bytes(b.slice(2))]),
    });
    expect(viaHttp.json<{ error: string }>().error).toBe(error.details);
    await expectStillServing();
  });

  it('a request above --grpc-max-receive-message-bytes: RESOURCE_EXHAUSTED with both sizes', async () => {
    const values = new Float32Array(768 * 1024); // 3 MiB
    const error = await grpcRefusal(infer({ model_name: 'identity_fp32', inputs: [{ name: 'INPUT0', datatype: 'FP32', shape: [1, values.length] }], raw_input_contents: [Buffer.from(values.buffer)] }));
    expect(error.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(error.details).toMatch(/^Received message larger than max \(\d+ vs\.? 2097152\)$/);
    await expectStillServing();
  });

  it('a response above --grpc-max-send-message-bytes: RESOURCE_EXHAUSTED naming the flag', async () => {
    const error = await grpcRefusal(infer({ model_name: 'identity_fp32', inputs: [{ name: 'INPUT0', datatype: 'FP32', shape: [1, 384 * 1024] }], raw_input_contents: [Buffer.alloc(1.5 * MiB)] }));
    expect(error.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(error.details).toMatch(/^the response is \d+ bytes, above the gateway's gRPC send limit of 1048576 bytes \(--grpc-max-send-message-bytes\)$/);
    await expectStillServing();
  });

  it('malformed protobuf', async () => {
    const error = await grpcRefusal(
      new Promise((resolve, reject) =>
        client.makeUnaryRequest(`/${INFERENCE_SERVICE}/ModelInfer`, (bytes: Buffer) => bytes, (bytes: Buffer) => bytes, Buffer.from([0x3a, 0x10, 0x41]), (e, value) => (e ? reject(e) : resolve(value))),
      ),
    );
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    expect(error.details).toMatch(/^the request is not a valid ModelInferRequest protobuf message: index out of range/);
    await expectStillServing();
  });

  it('parameters Flotilla cannot honour are refused by name, never ignored', async () => {
    const classification = await grpcRefusal(infer(simpleRawRequest(a, b, { outputs: [{ name: 'OUTPUT0', parameters: { classification: { int64_param: 2 } } }] })));
    expect([classification.code, classification.details]).toEqual([status.UNIMPLEMENTED, "output 'OUTPUT0' asks for 'classification', which Flotilla does not support"]);
    expect(classification.details).toBe(await httpError('/v2/models/simple/infer', simpleRequest(a, b, { outputs: [{ name: 'OUTPUT0', parameters: { classification: 2 } }] })));
    const binary = await grpcRefusal(infer(simpleRawRequest(a, b, { parameters: { binary_data_output: { bool_param: true } } })));
    expect([binary.code, binary.details]).toEqual([
      status.INVALID_ARGUMENT,
      "parameter 'binary_data_output' of the request belongs to HTTP's binary tensor extension; over gRPC tensors travel in raw_input_contents / raw_output_contents",
    ]);
    await expectStillServing();
  });

  it('methods Flotilla does not serve are UNIMPLEMENTED', async () => {
    const error = await grpcRefusal(
      new Promise((resolve, reject) =>
        client.makeUnaryRequest(`/${INFERENCE_SERVICE}/SystemSharedMemoryStatus`, (bytes: Buffer) => bytes, (bytes: Buffer) => bytes, Buffer.alloc(0), (e, value) => (e ? reject(e) : resolve(value))),
      ),
    );
    expect(error.code).toBe(status.UNIMPLEMENTED);
    await expectStillServing();
  });
});

describe('health, metadata, config, statistics and repository: the same answers as HTTP', () => {
  it('ServerLive, ServerReady and the standard health service', async () => {
    expect(await unaryCall(client, 'ServerLive', {})).toEqual({ live: true });
    expect(await unaryCall(client, 'ServerReady', {})).toEqual({ ready: true });
    expect(await unaryCall(health, 'Check', { service: '' })).toEqual({ status: 'SERVING' });
    expect(await unaryCall(health, 'Check', { service: INFERENCE_SERVICE })).toEqual({ status: 'SERVING' });
    const unknown = await grpcRefusal(unaryCall(health, 'Check', { service: 'no.such.Service' }));
    expect([unknown.code, unknown.details]).toEqual([status.NOT_FOUND, "unknown service 'no.such.Service'"]);
  });

  it('Watch reports SERVING at once', async () => {
    const first = await new Promise<unknown>((resolve, reject) => {
      const call = health.Watch({ service: '' }) as NodeJS.EventEmitter & { cancel(): void };
      call.once('data', (message: unknown) => (resolve(message), call.cancel()));
      call.once('error', (error: { code: number }) => error.code !== status.CANCELLED && reject(error));
    });
    expect(first).toEqual({ status: 'SERVING' });
  });

  it('ModelReady', async () => {
    expect(await unaryCall(client, 'ModelReady', { name: 'simple' })).toEqual({ ready: true });
    expect(await unaryCall(client, 'ModelReady', { name: 'simple', version: '1' })).toEqual({ ready: true });
    const unknown = await grpcRefusal(unaryCall(client, 'ModelReady', { name: 'nope' }));
    expect([unknown.code, unknown.details]).toEqual([status.INVALID_ARGUMENT, "Request for unknown model: 'nope' is not found"]);
    const version = await grpcRefusal(unaryCall(client, 'ModelReady', { name: 'simple', version: '3' }));
    expect([version.code, version.details]).toEqual([status.NOT_FOUND, "Request for unknown model: 'simple' version 3 is not found"]);
  });

  it('ServerMetadata', async () => {
    const viaHttp = (await http(`${flotilla.url}/v2`)).json();
    expect(await unaryCall(client, 'ServerMetadata', {})).toEqual(viaHttp);
    expect(viaHttp).toMatchObject({ name: 'triton' });
  });

  it('ModelMetadata', async () => {
    const viaGrpc = await unaryCall<{ inputs: { shape: string[] }[]; outputs: { shape: string[] }[] }>(client, 'ModelMetadata', { name: 'simple', version: '1' });
    const numeric = { ...viaGrpc, inputs: viaGrpc.inputs.map((t) => ({ ...t, shape: t.shape.map(Number) })), outputs: viaGrpc.outputs.map((t) => ({ ...t, shape: t.shape.map(Number) })) };
    expect(numeric).toEqual((await http(`${flotilla.url}/v2/models/simple/versions/1`)).json());
    expect(numeric.inputs[0]).toEqual({ name: 'INPUT0', datatype: 'FP32', shape: [-1, 16] });
  });

  it.each(['simple', 'matmul_chain', 'identity_fp32'])('ModelConfig of %s: every field HTTP shows, as a ModelConfig message', async (model) => {
    const viaHttp = (await http(`${flotilla.url}/v2/models/${model}/config`)).json();
    const { config } = await unaryCall<{ config: unknown }>(client, 'ModelConfig', { name: model });
    expect(asHttpShows(config, viaHttp)).toEqual(viaHttp);
  });

  it('ModelConfig sends the config’s warnings as HTTP does, under the same name, in the response metadata', async () => {
    const viaHttp = await http(`${flotilla.url}/v2/models/tagged/config`);
    const warnings = viaHttp.headers.get('flotilla-config-warnings');
    expect(JSON.parse(warnings ?? '[]')).toEqual(["metric_tags 'team' is accepted but has no effect: there is no metrics endpoint to tag"]);
    const metadataOf = (name: string) =>
      new Promise<Metadata>((resolve, reject) => {
        const call = client.ModelConfig({ name }, (error: Error | null) => error && reject(error)) as NodeJS.EventEmitter;
        call.on('metadata', resolve);
      });
    expect((await metadataOf('tagged')).get('flotilla-config-warnings')).toEqual([warnings]);
    expect((await metadataOf('simple')).get('flotilla-config-warnings')).toEqual([]);
  });

  it('ModelStatistics', async () => {
    await infer(simpleRawRequest(a, b));
    const viaGrpc = await unaryCall<{ model_stats: { name: string; version: string; inference_count: string }[] }>(client, 'ModelStatistics', {});
    const viaHttp = (await http(`${flotilla.url}/v2/models/stats`)).json<{ model_stats: { name: string; version: string }[] }>();
    expect(viaGrpc.model_stats.map((s) => `${s.name}/${s.version}`)).toEqual(viaHttp.model_stats.map((s) => `${s.name}/${s.version}`));
    const one = await unaryCall<typeof viaGrpc>(client, 'ModelStatistics', { name: 'simple', version: '1' });
    expect(one.model_stats).toHaveLength(1);
    expect(Number(one.model_stats[0].inference_count)).toBeGreaterThanOrEqual(0);
    const broken = await grpcRefusal(unaryCall(client, 'ModelStatistics', { name: 'broken' }));
    expect([broken.code, broken.details]).toEqual([status.INVALID_ARGUMENT, "requested model 'broken' is not available"]);
  });

  it('RepositoryIndex, with ready only the READY versions', async () => {
    const viaHttp = (await http(`${flotilla.url}/v2/repository/index`, { method: 'POST' })).json<{ name: string; version?: string; state: string; reason: string }[]>();
    const { models } = await unaryCall<{ models: { name: string; version: string; state: string; reason: string }[] }>(client, 'RepositoryIndex', {});
    expect(models).toEqual(viaHttp.map((row) => ({ version: '', ...row })));
    expect(models.find((row) => row.name === 'broken')?.state).toBe('UNAVAILABLE');
    const ready = await unaryCall<typeof models extends infer T ? { models: T } : never>(client, 'RepositoryIndex', { ready: true });
    expect(ready.models.map((row) => row.name).sort()).toEqual(['identity_bytes', 'identity_fp32', 'matmul_chain', 'simple', 'sleeper', 'tagged']);
    const readyViaHttp = (await postJson(`${flotilla.url}/v2/repository/index`, { ready: true })).json<{ name: string }[]>();
    expect(readyViaHttp.map((row) => row.name).sort()).toEqual(['identity_bytes', 'identity_fp32', 'matmul_chain', 'simple', 'sleeper', 'tagged']);
    const named = await grpcRefusal(unaryCall(client, 'RepositoryIndex', { repository_name: 'other' }));
    expect([named.code, named.details]).toEqual([status.UNIMPLEMENTED, "'repository_name' specification is not supported"]);
  });

  it('RepositoryModelLoad and RepositoryModelUnload: UNAVAILABLE, as HTTP’s 503, with the same text', async () => {
    for (const [method, path] of [
      ['RepositoryModelLoad', 'load'],
      ['RepositoryModelUnload', 'unload'],
    ]) {
      const error = await grpcRefusal(unaryCall(client, method, { model_name: 'simple' }));
      expect([error.code, error.details]).toEqual([status.UNAVAILABLE, 'explicit model load / unload is not allowed if polling is enabled']);
      const viaHttp = await http(`${flotilla.url}/v2/repository/models/simple/${path}`, { method: 'POST' });
      expect([viaHttp.status, viaHttp.json<{ error: string }>().error]).toEqual([503, error.details]);
    }
    await expectStillServing();
  });
});

/**
 * The gRPC config in the form HTTP's JSON shows: 64-bit integers back to numbers, and only the keys
 * the HTTP form has (the loader adds oneof names and unset messages as null). A key HTTP shows that
 * the message lacks comes out as undefined, and fails the comparison.
 */
function asHttpShows(grpc: unknown, http: unknown): unknown {
  if (Array.isArray(http)) return Array.isArray(grpc) ? http.map((item, i) => asHttpShows(grpc[i], item)) : grpc;
  if (http !== null && typeof http === 'object') {
    if (grpc === null || typeof grpc !== 'object') return grpc;
    return Object.fromEntries(Object.keys(http).map((key) => [key, asHttpShows((grpc as Record<string, unknown>)[key], (http as Record<string, unknown>)[key])]));
  }
  return typeof http === 'number' && typeof grpc === 'string' ? Number(grpc) : grpc;
}
