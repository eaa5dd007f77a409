// The request path end to end: HTTP → gateway → NATS → scheduler → executor (ONNX Runtime in a
// worker thread) → straight back to the gateway, with every service a real process.
import { http, matmulRequest, postJson, range, simpleRequest, startFlotilla, type TestFlotilla } from './support/flotilla';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { linkModel, testRepository } from './support/repository';

/** The gateway's request files in /dev/shm; each lives only while its request does. */
const tensorFiles = () => readdirSync('/dev/shm').filter((name) => name.startsWith('flotilla-tensors-'));

let flotilla: TestFlotilla;

/** `simple`'s config under another name, with more settings. */
const simpleAs = (name: string, extra: string) =>
  readFileSync(resolve(__dirname, '../examples/model_repository/simple/config.pbtxt'), 'utf8').replace('name: "simple"', `name: "${name}"`) + extra;

beforeAll(async () => {
  const repository = testRepository({
    // A broken model must be reported and must not stop the others from loading.
    'broken/config.pbtxt': 'name: "broken"\nplatform: "onnxruntime_onnx"\nmax_batch_size: 8\ninput [ { name: "X" data_type: TYPE_FP32 dims: [ 4 ] ]\n',
    // No setting accepted but ignored: one that only loses an effect warns, one that cannot be honoured is refused.
    'cached/config.pbtxt': simpleAs('cached', 'response_cache { enable: true }\n'),
    'decoupled/config.pbtxt': simpleAs('decoupled', 'model_transaction_policy { decoupled: true }\n'),
  });
  linkModel(repository, 'simple', 'cached');
  linkModel(repository, 'simple', 'decoupled');
  flotilla = await startFlotilla({ name: 'inference', modelRepository: repository, strictReadiness: false });
});

afterAll(() => flotilla?.stop());

const a = range(16);
const b = range(16).map((i) => 2 * i + 0.5);

describe('inference over HTTP', () => {
  it('returns exact sums and differences for simple over JSON', async () => {
    const response = await postJson(`${flotilla.url}/v2/models/simple/infer`, simpleRequest(a, b, { id: 'req-7' }));
    expect(response.status).toBe(200);
    const body = response.json<{ id: string; model_name: string; model_version: string; outputs: { name: string; shape: number[]; datatype: string; data: number[] }[] }>();
    expect(body.id).toBe('req-7');
    expect(body.model_name).toBe('simple');
    expect(body.model_version).toBe('1');
    const byName = Object.fromEntries(body.outputs.map((o) => [o.name, o]));
    expect(byName.OUTPUT0).toMatchObject({ datatype: 'FP32', shape: [1, 16] });
    expect(byName.OUTPUT0.data).toEqual(a.map((x, i) => x + b[i]));
    expect(byName.OUTPUT1.data).toEqual(a.map((x, i) => x - b[i]));
  });

  it("returns exact results over Triton's binary tensor extension", async () => {
    const input0 = Buffer.from(new Float32Array(a).buffer);
    const input1 = Buffer.from(new Float32Array(b).buffer);
    const header = Buffer.from(
      JSON.stringify({
        inputs: [
          { name: 'INPUT0', shape: [1, 16], datatype: 'FP32', parameters: { binary_data_size: 64 } },
          { name: 'INPUT1', shape: [1, 16], datatype: 'FP32', parameters: { binary_data_size: 64 } },
        ],
        outputs: [{ name: 'OUTPUT0', parameters: { binary_data: true } }, { name: 'OUTPUT1', parameters: { binary_data: true } }],
      }),
    );
    const response = await http(`${flotilla.url}/v2/models/simple/infer`, {
      method: 'POST',
      headers: { 'Inference-Header-Content-Length': String(header.byteLength), 'Content-Type': 'application/octet-stream' },
      body: Buffer.concat([header, input0, input1]),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/octet-stream');
    const jsonLength = Number(response.headers.get('inference-header-content-length'));
    const meta = JSON.parse(response.body.subarray(0, jsonLength).toString()) as { outputs: { name: string; parameters: { binary_data_size: number } }[] };
    expect(meta.outputs.map((o) => [o.name, o.parameters.binary_data_size])).toEqual([
      ['OUTPUT0', 64],
      ['OUTPUT1', 64],
    ]);
    const floats = new Float32Array(response.body.buffer.slice(response.body.byteOffset + jsonLength, response.body.byteOffset + jsonLength + 128));
    expect([...floats.subarray(0, 16)]).toEqual(a.map((x, i) => x + b[i]));
    expect([...floats.subarray(16)]).toEqual(a.map((x, i) => x - b[i]));
  });

  it('moves a 1 MiB tensor exactly, through shared memory, and leaves no file behind', async () => {
    const values = new Float32Array(1 << 18).map((_, i) => Math.sin(i));
    const header = Buffer.from(
      JSON.stringify({
        inputs: [{ name: 'INPUT0', shape: [1, 1 << 18], datatype: 'FP32', parameters: { binary_data_size: values.byteLength } }],
        parameters: { binary_data_output: true, flotilla_execution_info: true },
      }),
    );
    const before = tensorFiles();
    const response = await http(`${flotilla.url}/v2/models/identity_fp32/infer`, {
      method: 'POST',
      headers: { 'Inference-Header-Content-Length': String(header.byteLength) },
      body: Buffer.concat([header, Buffer.from(values.buffer)]),
    });
    expect(response.status).toBe(200);
    const jsonLength = Number(response.headers.get('inference-header-content-length'));
    expect(Buffer.compare(response.body.subarray(jsonLength), Buffer.from(values.buffer))).toBe(0);
    const meta = JSON.parse(response.body.subarray(0, jsonLength).toString()) as { parameters: Record<string, unknown> };
    expect(meta.parameters.flotilla_tensors_via).toBe('shared-memory');
    expect(tensorFiles()).toEqual(before);
  });

  it('serves metadata with the batch dimension and the normalised config', async () => {
    const metadata = (await http(`${flotilla.url}/v2/models/simple`)).json();
    expect(metadata).toMatchObject({ name: 'simple', versions: ['1'], platform: 'onnxruntime_onnx' });
    expect(metadata.inputs).toEqual([
      { name: 'INPUT0', datatype: 'FP32', shape: [-1, 16] },
      { name: 'INPUT1', datatype: 'FP32', shape: [-1, 16] },
    ]);
    const config = (await http(`${flotilla.url}/v2/models/matmul_chain/config`)).json<{ instance_group: { name: string; count: number; kind: string }[] }>();
    expect(config.instance_group).toEqual([expect.objectContaining({ name: 'matmul_chain_0', count: 2, kind: 'KIND_CPU' })]);
    expect((await http(`${flotilla.url}/v2/models/simple/ready`)).status).toBe(200);
    expect((await http(`${flotilla.url}/v2/health/live`)).status).toBe(200);
  });

  it('runs two matmul_chain slots at the same time', async () => {
    const responses = await Promise.all(range(4).map((i) => postJson(`${flotilla.url}/v2/models/matmul_chain/infer`, matmulRequest(i + 1))));
    const runs = responses.map((r) => {
      expect(r.status).toBe(200);
      return r.json<{ parameters: { flotilla_instance: string; flotilla_compute_start_ms: number; flotilla_compute_end_ms: number; flotilla_tensors_via: string } }>().parameters;
    });
    expect(new Set(runs.map((run) => run.flotilla_instance))).toEqual(new Set(['matmul_chain_0_0', 'matmul_chain_0_1']));
    // 4 KiB inputs stay inside the NATS frame; only large ones take the shared-memory path.
    expect(runs.every((run) => run.flotilla_tensors_via === 'frame')).toBe(true);
    // From the slots' own stamps: some run on one slot started before a run on the other ended.
    const overlaps = runs.some((x) =>
      runs.some((y) => x.flotilla_instance !== y.flotilla_instance && x.flotilla_compute_start_ms < y.flotilla_compute_end_ms && y.flotilla_compute_start_ms < x.flotilla_compute_end_ms),
    );
    expect(overlaps).toBe(true);
  });
});

describe("Triton's statistics extension", () => {
  interface Stat {
    count: number;
    ns: number;
  }
  interface ModelStats {
    name: string;
    version: string;
    inference_count: number;
    execution_count: number;
    inference_stats: { success: Stat; fail: Stat; queue: Stat; compute_input: Stat; compute_infer: Stat; compute_output: Stat };
    batch_stats: { batch_size: number; compute_input: Stat; compute_infer: Stat; compute_output: Stat }[];
  }
  const statsOf = async (path: string) => (await http(`${flotilla.url}${path}`)).json<{ model_stats: ModelStats[] }>().model_stats;

  it('counts each successful request once, with queue and compute time, read right after the last response', async () => {
    const [before] = await statsOf('/v2/models/simple/versions/1/stats');
    for (let i = 0; i < 3; i++) expect((await postJson(`${flotilla.url}/v2/models/simple/infer`, simpleRequest(a, b))).status).toBe(200);
    // No waiting for a heartbeat: a read has every executor report first (docs/metrics.md).
    const [after] = await statsOf('/v2/models/simple/stats');
    expect(after).toMatchObject({ name: 'simple', version: '1' });
    expect(after.inference_stats.success.count - before.inference_stats.success.count).toBe(3);
    expect(after.execution_count - before.execution_count).toBe(3);
    expect(after.inference_stats.queue.count).toBe(after.inference_stats.success.count);
    expect(after.inference_stats.compute_infer.ns).toBeGreaterThan(before.inference_stats.compute_infer.ns);
    expect(after.batch_stats.find((batch) => batch.batch_size === 1)?.compute_infer.count).toBeGreaterThanOrEqual(3);
    // The slot's thread times reading the inputs and encoding the reply apart from the run.
    for (const phase of ['compute_input', 'compute_output'] as const) {
      expect(after.inference_stats[phase].count).toBe(after.inference_stats.success.count);
      expect(after.inference_stats[phase].ns).toBeGreaterThan(before.inference_stats[phase].ns);
    }
    const ones = after.batch_stats.find((batch) => batch.batch_size === 1)!;
    expect(ones.compute_input.count).toBe(ones.compute_infer.count);
  });

  it('lists every ready model version, and names what is not available', async () => {
    expect((await statsOf('/v2/models/stats')).map((entry) => entry.name).sort()).toEqual(['cached', 'identity_bytes', 'identity_fp32', 'matmul_chain', 'simple']);
    const unknown = await http(`${flotilla.url}/v2/models/broken/stats`);
    expect(unknown.status).toBe(400);
    expect(unknown.json()).toEqual({ error: "requested model 'broken' is not available" });
    const badVersion = await http(`${flotilla.url}/v2/models/simple/versions/4/stats`);
    expect(badVersion.json()).toEqual({ error: "requested model version is not available for model 'simple'" });
  });
});

describe('bad requests get a 4xx naming the problem', () => {
  const infer = (model: string, body: unknown) => postJson(`${flotilla.url}/v2/models/${model}/infer`, body);

  it.each([
    ['unknown model', () => infer('no_such_model', simpleRequest(a, b)), 400, "Request for unknown model: 'no_such_model' is not found"],
    ['unknown version', () => postJson(`${flotilla.url}/v2/models/simple/versions/9/infer`, simpleRequest(a, b)), 404, "Request for unknown model: 'simple' version 9 is not found"],
    [
      'wrong shape',
      () => infer('simple', { inputs: [{ name: 'INPUT0', shape: [1, 8], datatype: 'FP32', data: range(8) }, { name: 'INPUT1', shape: [1, 16], datatype: 'FP32', data: a }] }),
      400,
      "unexpected shape for input 'INPUT0' for model 'simple'. Expected [-1,16], got [1,8]",
    ],
    [
      'wrong datatype',
      () => infer('simple', { inputs: [{ name: 'INPUT0', shape: [1, 16], datatype: 'INT32', data: a }, { name: 'INPUT1', shape: [1, 16], datatype: 'FP32', data: a }] }),
      400,
      "inference input 'INPUT0' data-type is 'INT32', but model 'simple' expects 'FP32'",
    ],
    ['missing input', () => infer('simple', { inputs: [{ name: 'INPUT0', shape: [1, 16], datatype: 'FP32', data: a }] }), 400, "missing required input(s) ['INPUT1']"],
    ['malformed JSON', () => infer('simple', '{"inputs": [ '), 400, 'failed to parse the request JSON'],
    ['too large a batch', () => infer('simple', { inputs: ['INPUT0', 'INPUT1'].map((name) => ({ name, shape: [9, 16], datatype: 'FP32', data: range(144) })) }), 400, "batch-size must be <= 8 for 'simple'"],
  ])('%s', async (_case, send, status, message) => {
    const response = await send();
    expect(response.status).toBe(status);
    expect(response.json<{ error: string }>().error).toContain(message);
  });

  it('answers unknown routes and wrong methods like Triton', async () => {
    expect((await http(`${flotilla.url}/v2/nothing`)).json()).toEqual({ error: 'Not Found' });
    const wrongMethod = await http(`${flotilla.url}/v2/models/simple/infer`);
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.json()).toEqual({ error: 'Method Not Allowed' });
  });
});

describe('model repository', () => {
  it('reports the broken model with its reason and loads the others', async () => {
    const index = (await http(`${flotilla.url}/v2/repository/index`, { method: 'POST' })).json<{ name: string; state: string; reason: string }[]>();
    const broken = index.find((row) => row.name === 'broken');
    expect(broken?.state).toBe('UNAVAILABLE');
    expect(broken?.reason).toMatch(/failed to read text proto from .*broken\/config.pbtxt.*:4:/);
    expect(index.filter((row) => row.state === 'READY').map((row) => row.name).sort()).toEqual(['cached', 'identity_bytes', 'identity_fp32', 'matmul_chain', 'simple']);
  });

  it('refuses at load a setting it cannot honour, naming it', async () => {
    const index = (await http(`${flotilla.url}/v2/repository/index`, { method: 'POST' })).json<{ name: string; state: string; reason: string }[]>();
    expect(index.find((row) => row.name === 'decoupled')).toMatchObject({
      state: 'UNAVAILABLE',
      reason: "model_transaction_policy.decoupled is not supported by Flotilla for model 'decoupled': every request gets exactly one response; decoupled models are not supported",
    });
  });

  it('loads a setting that only loses its effect with a warning in the load log and on GET /config, leaving the JSON Triton\'s', async () => {
    const cached = await http(`${flotilla.url}/v2/models/cached/config`);
    expect(cached.status).toBe(200);
    const warning = 'response_cache.enable is accepted but has no effect: there is no response cache; every request is computed';
    expect(JSON.parse(cached.headers.get('flotilla-config-warnings') ?? '[]')).toEqual([warning]);
    expect(cached.json()).toMatchObject({ name: 'cached', response_cache: { enable: true } });
    expect(cached.json()).not.toHaveProperty('flotilla_warnings');
    expect((await http(`${flotilla.url}/v2/models/simple/config`)).headers.has('flotilla-config-warnings')).toBe(false);
    expect(readFileSync(flotilla.logFile, 'utf8')).toContain(`model 'cached': ${warning}`);
    // It still serves, computing every request.
    expect((await postJson(`${flotilla.url}/v2/models/cached/infer`, simpleRequest(a, b))).status).toBe(200);
  });

  it('refuses a request that names a sequence with a 400 naming the parameter', async () => {
    const response = await postJson(`${flotilla.url}/v2/models/simple/infer`, simpleRequest(a, b, { id: 's1', parameters: { sequence_id: 42, sequence_start: true } }));
    expect(response.status).toBe(400);
    expect(response.json<{ error: string }>().error).toBe("[request id: s1] parameter 'sequence_id' is not supported: Flotilla has no sequence batcher, so requests cannot belong to a sequence");
  });

  it('with --strict-readiness=false is ready while a model failed, and serves the others', async () => {
    // This cluster runs with --strict-readiness=false; strict readiness (the default) is tested in
    // model-management.e2e.spec.ts and launcher-startup.e2e.spec.ts, where a failed model makes it 400.
    expect((await http(`${flotilla.url}/v2/health/ready`)).status).toBe(200);
    expect((await http(`${flotilla.url}/v2/models/broken/ready`)).status).toBe(400);
  });
});
