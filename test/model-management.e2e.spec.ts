// Model management end to end (issue 10): control mode `explicit` with --load-model, the repository
// API (index, load with config and file overrides, unload), live reconfiguration while requests
// run, failed reloads that keep serving, strict readiness, and file overrides that cannot escape.
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { http, postJson, range, simpleRequest, startFlotilla, type HttpResult, type TestFlotilla } from './support/flotilla';
import { createGrpcClient, grpcRefusal, status, unaryCall } from './support/grpc';
import { linkModel, sleepModel, testRepository } from './support/repository';

let flotilla: TestFlotilla;
let repository: string;

type IndexRow = { name: string; version?: string; state?: string; reason?: string };
type SlotsStatus = { models: { name: string; version: number; slots: unknown[] }[] };

const GPU_ONLY = `name: "gpu_only"
backend: "javascript"
max_batch_size: 0
input [ { name: "INPUT0", data_type: TYPE_FP32, dims: [ 1 ] } ]
output [ { name: "OUTPUT0", data_type: TYPE_FP32, dims: [ 1 ] } ]
instance_group [ { kind: KIND_GPU, count: 1 } ]
`;

beforeAll(async () => {
  repository = testRepository({
    ...sleepModel('sleepy', '{ name: "one", kind: KIND_CPU, count: 1 }', 150),
    'gpu_only/config.pbtxt': GPU_ONLY,
    'gpu_only/1/model.js': readFileSync(join(__dirname, '../examples/concurrency_repository/sleep_serial/1/model.js'), 'utf8'),
  });
  flotilla = await startFlotilla({
    name: 'model-management',
    modelRepository: repository,
    repositoryFlags: ['--model-control-mode', 'explicit', '--load-model', 'simple', '--load-model', 'sleepy'],
  });
});

afterAll(() => flotilla?.stop());

const url = (path: string) => `${flotilla.url}${path}`;
const index = async () => (await http(url('/v2/repository/index'), { method: 'POST' })).json<IndexRow[]>();
const load = (model: string, parameters?: Record<string, unknown>) => postJson(url(`/v2/repository/models/${model}/load`), parameters ? { parameters } : {});
const unload = (model: string, parameters?: Record<string, unknown>) => postJson(url(`/v2/repository/models/${model}/unload`), parameters ? { parameters } : {});
const errorOf = (result: HttpResult) => result.json<{ error: string }>().error;
const sleepyRequest = (x: number) => ({ inputs: [{ name: 'INPUT0', shape: [1], datatype: 'FP32', data: [x] }] });
const inferSleepy = (x: number) => postJson(url('/v2/models/sleepy/infer'), sleepyRequest(x));
const slotsOf = async (model: string) => {
  const status = (await http(url('/v2/flotilla/slots'))).json<SlotsStatus>();
  return status.models.filter((m) => m.name === model).reduce((sum, m) => sum + m.slots.length, 0);
};
/** Instance slots of the model that are running a request now. */
const busySlots = async (model: string) =>
  (await http(url('/v2/flotilla/slots'))).json<{ models: { name: string; slots: { busy: boolean }[] }[] }>().models
    .filter((m) => m.name === model)
    .reduce((sum, m) => sum + m.slots.filter((slot) => slot.busy).length, 0);
type SleepyConfig = Record<string, unknown> & { instance_group: Record<string, unknown>[]; parameters: Record<string, { string_value: string }> };
const sleepyConfig = async () => (await http(url('/v2/models/sleepy/config'))).json<SleepyConfig>();

/** Sends requests to sleepy one after another on `lanes` lanes until `stop` resolves; returns every status. */
async function steadyLoad(lanes: number, stop: Promise<unknown>): Promise<{ statuses: number[]; errors: string[] }> {
  let done = false;
  void stop.finally(() => (done = true));
  const statuses: number[] = [];
  const errors: string[] = [];
  await Promise.all(
    range(lanes).map(async (lane) => {
      for (let i = 0; !done; i++) {
        const response = await inferSleepy(lane * 1000 + i);
        statuses.push(response.status);
        if (response.status !== 200) errors.push(errorOf(response));
      }
    }),
  );
  return { statuses, errors };
}

describe('control mode explicit', () => {
  it('serves only the --load-model models; the index lists the other folders by name alone', async () => {
    const rows = await index();
    expect(rows.filter((row) => row.state === 'READY').map((row) => row.name)).toEqual(['simple', 'sleepy']);
    expect(rows).toContainEqual({ name: 'identity_fp32' });
    expect(rows).toContainEqual({ name: 'gpu_only' });
    expect((await postJson(url('/v2/repository/index'), { ready: true })).json<IndexRow[]>().map((row) => row.name)).toEqual(['simple', 'sleepy']);
    const refused = await postJson(url('/v2/models/identity_fp32/infer'), { inputs: [{ name: 'INPUT0', shape: [1, 16], datatype: 'FP32', data: range(16) }] });
    expect([refused.status, errorOf(refused)]).toEqual([400, "Request for unknown model: 'identity_fp32' is not found"]);
    expect((await http(url('/v2'))).json<{ extensions: string[] }>().extensions).toEqual(
      expect.arrayContaining(['model_repository', 'model_repository(unload_dependents)']),
    );
  });

  it('loads another model over the API, answering once it serves', async () => {
    const loaded = await load('identity_fp32');
    expect([loaded.status, loaded.body.length]).toEqual([200, 0]);
    expect((await http(url('/v2/models/identity_fp32/ready'))).status).toBe(200);
    const response = await postJson(url('/v2/models/identity_fp32/infer'), { inputs: [{ name: 'INPUT0', shape: [1, 16], datatype: 'FP32', data: range(16) }] });
    expect(response.status).toBe(200);
    expect(await index()).toContainEqual({ name: 'identity_fp32', version: '1', state: 'READY', reason: '' });
  });

  it('refuses to load a model the repository does not have, naming it, and parameters it would ignore', async () => {
    const missing = await load('no_such_model');
    expect(missing.status).toBe(400);
    expect(errorOf(missing)).toContain("failed to load 'no_such_model'");
    const unknown = await load('simple', { colour: 'blue' });
    expect([unknown.status, errorOf(unknown)]).toEqual([400, "Unrecognized load parameter 'colour' with type 'string'"]);
    const badConfig = await load('simple', { config: '{"max_batch_size": ' });
    expect(badConfig.status).toBe(400);
    expect(errorOf(badConfig)).toMatch(/^Invalid config override: /);
    const badUnload = await unload('simple', { unload_dependents: 'yes' });
    expect([badUnload.status, errorOf(badUnload)]).toEqual([400, "Unrecognized unload parameter 'unload_dependents' with type 'string'"]);
  });

  it('a model that fails to load is reported with its reason, and makes a strict server unready until it is unloaded', async () => {
    expect((await http(url('/v2/health/ready'))).status).toBe(200);
    const failed = await load('gpu_only');
    expect(failed.status).toBe(400);
    expect(errorOf(failed)).toMatch(/^load failed for model 'gpu_only': .*KIND_GPU/);
    expect((await index()).find((row) => row.name === 'gpu_only')).toMatchObject({ state: 'UNAVAILABLE', reason: expect.stringContaining('KIND_GPU') });
    // --strict-readiness (the default here): one failed model makes the server unready …
    expect((await http(url('/v2/health/ready'))).status).toBe(400);
    expect((await http(url('/v2/models/gpu_only/ready'))).status).toBe(400);
    expect((await http(url('/v2/models/simple/ready'))).status).toBe(200);
    expect((await postJson(url('/v2/models/simple/infer'), simpleRequest(range(16), range(16)))).status).toBe(200);
    // … and an unloaded model no longer counts.
    expect((await unload('gpu_only', { unload_dependents: false })).status).toBe(200);
    expect((await http(url('/v2/health/ready'))).status).toBe(200);
  });
});

describe('every state the index reports', () => {
  it('shows LOADING while instances load and UNLOADING while a request in flight finishes', async () => {
    const slowStart = `exports.initialize = async function () { await new Promise((resolve) => setTimeout(resolve, 1500)); };
exports.execute = async function (inputs) { await new Promise((resolve) => setTimeout(resolve, 1500)); return { OUTPUT0: inputs.INPUT0 }; };
`;
    const config = JSON.stringify({ ...(await sleepyConfig()), name: 'slow' });
    const loading = load('slow', { config, 'file:1/model.js': Buffer.from(slowStart).toString('base64') });
    const seen = new Set<string>();
    for (let i = 0; i < 100 && !seen.has('LOADING'); i++) {
      for (const row of await index()) if (row.name === 'slow' && row.state) seen.add(row.state);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(seen).toContain('LOADING');
    expect((await http(url('/v2/models/slow/ready'))).status).toBe(400);
    expect((await loading).status).toBe(200);
    expect((await http(url('/v2/models/slow/ready'))).status).toBe(200);

    const running = postJson(url('/v2/models/slow/infer'), sleepyRequest(1));
    for (let i = 0; i < 200 && (await busySlots('slow')) < 1; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(await busySlots('slow')).toBe(1);
    const unloading = unload('slow');
    let state: string | undefined;
    for (let i = 0; i < 100 && state !== 'UNLOADING'; i++) {
      state = (await index()).find((row) => row.name === 'slow')?.state;
      if (state !== 'UNLOADING') await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(state).toBe('UNLOADING');
    expect((await running).status).toBe(200);
    expect((await unloading).status).toBe(200);
    expect((await index()).find((row) => row.name === 'slow')).toEqual({ name: 'slow', version: '1', state: 'UNAVAILABLE', reason: 'unloaded' });
  });
});

describe('live reconfiguration', () => {
  it('reloads an instance-count change while requests run: none fails, and the instance count follows', async () => {
    expect(await slotsOf('sleepy')).toBe(1);
    const config = await sleepyConfig();
    const three = { ...config, instance_group: [{ ...config.instance_group[0], count: 3 }] };
    const reload = load('sleepy', { config: JSON.stringify(three) });
    const { statuses, errors } = await steadyLoad(4, reload);
    expect((await reload).status).toBe(200);
    expect(errors).toEqual([]);
    expect(statuses.length).toBeGreaterThan(0);
    expect(await slotsOf('sleepy')).toBe(3);

    // And back to one, again under load.
    const back = load('sleepy', { config: JSON.stringify(config) });
    const second = await steadyLoad(4, back);
    expect((await back).status).toBe(200);
    expect(second.errors).toEqual([]);
    for (let i = 0; i < 50 && (await slotsOf('sleepy')) !== 1; i++) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await slotsOf('sleepy')).toBe(1);
  });

  it('a failed reload keeps the loaded config serving and says why', async () => {
    const config = await sleepyConfig();
    const onGpu = { ...config, instance_group: [{ ...config.instance_group[0], kind: 'KIND_GPU', gpus: [] }] };
    const reload = load('sleepy', { config: JSON.stringify(onGpu) });
    const { errors } = await steadyLoad(2, reload);
    const failed = await reload;
    expect(failed.status).toBe(400);
    expect(errorOf(failed)).toMatch(/^load failed for model 'sleepy': .*KIND_GPU/);
    expect(errors).toEqual([]);
    expect((await sleepyConfig()).instance_group[0]).toMatchObject({ kind: 'KIND_CPU' });
    expect((await inferSleepy(1)).status).toBe(200);
    expect((await http(url('/v2/models/sleepy/ready'))).status).toBe(200);
    expect((await http(url('/v2/health/ready'))).status).toBe(200);
  });

  it('a new version folder takes effect on reload; unversioned requests never fail meanwhile', async () => {
    mkdirSync(join(repository, 'sleepy', '2'));
    symlinkSync(join(repository, 'sleepy', '1', 'model.js'), join(repository, 'sleepy', '2', 'model.js'));
    const reload = load('sleepy');
    const { errors } = await steadyLoad(2, reload);
    expect((await reload).status).toBe(200);
    expect(errors).toEqual([]);
    const response = await inferSleepy(7);
    expect(response.json<{ model_version: string }>().model_version).toBe('2');
    const rows = (await index()).filter((row) => row.name === 'sleepy');
    expect(rows.map((row) => [row.version, row.state])).toEqual([['2', 'READY']]);
  });

  it('a reload that changes more than the instance groups replaces every instance without dropping a request', async () => {
    const config = await sleepyConfig();
    const faster = { ...config, parameters: { ...config.parameters, sleep_ms: { string_value: '40' } } };
    const reload = load('sleepy', { config: JSON.stringify(faster) });
    const { statuses, errors } = await steadyLoad(4, reload);
    expect((await reload).status).toBe(200);
    expect(errors).toEqual([]);
    expect(statuses.length).toBeGreaterThan(0);
    expect((await sleepyConfig()).parameters).toMatchObject({ sleep_ms: { string_value: '40' } });
  });

  it('a reload whose new instances fail to load keeps the old ones serving the same version', async () => {
    const config = await sleepyConfig();
    const broken = "exports.initialize = function () { throw new Error('broken on purpose'); };\nexports.execute = async () => ({});\n";
    const reload = load('sleepy', { config: JSON.stringify(config), 'file:2/model.js': Buffer.from(broken).toString('base64') });
    const { errors } = await steadyLoad(2, reload);
    const failed = await reload;
    expect(failed.status).toBe(400);
    expect(errorOf(failed)).toMatch(/^load failed for model 'sleepy': version 2 is at UNAVAILABLE state: .*broken on purpose/);
    expect(errors).toEqual([]);
    expect((await inferSleepy(5)).status).toBe(200);
    for (let i = 0; i < 50 && (await http(url('/v2/models/sleepy/ready'))).status !== 200; i++) await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await http(url('/v2/models/sleepy/ready'))).status).toBe(200);
    expect((await index()).filter((row) => row.name === 'sleepy')).toEqual([{ name: 'sleepy', version: '2', state: 'READY', reason: '' }]);
  });

  it('unloading lets the requests in flight finish, then refuses new ones', async () => {
    const config = await sleepyConfig();
    // Four instances taking 500 ms each: four requests all run at once, each on its own slot.
    const slow = { ...config, instance_group: [{ ...config.instance_group[0], count: 4 }], parameters: { ...config.parameters, sleep_ms: { string_value: '500' } } };
    expect((await load('sleepy', { config: JSON.stringify(slow) })).status).toBe(200);
    const inFlight = range(4).map((i) => inferSleepy(i));
    // Unload only once all four are running (four busy slots): a request that arrives after the
    // unload began is refused, as it should be.
    for (let i = 0; i < 200 && (await busySlots('sleepy')) < 4; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(await busySlots('sleepy')).toBe(4);
    const unloaded = await unload('sleepy');
    expect(unloaded.status).toBe(200);
    const results = await Promise.all(inFlight);
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    const after = await inferSleepy(9);
    expect(after.status).toBeGreaterThanOrEqual(400);
    expect(errorOf(after)).toBe("Request for unknown model: 'sleepy' has no available versions");
    expect((await index()).filter((row) => row.name === 'sleepy')).toEqual([{ name: 'sleepy', version: '2', state: 'UNAVAILABLE', reason: 'unloaded' }]);
    expect((await http(url('/v2/health/ready'))).status).toBe(200);
    // It loads again from its folder.
    expect((await load('sleepy')).status).toBe(200);
    expect((await inferSleepy(3)).status).toBe(200);
  });
});

describe('auto-complete', () => {
  it("completes an ONNX model with no config.pbtxt from the model itself, as Triton's onnxruntime backend does", async () => {
    linkModel(repository, 'simple', 'bare');
    expect((await load('bare')).status).toBe(200);
    const config = (await http(url('/v2/models/bare/config'))).json<Record<string, unknown>>();
    expect(config).toMatchObject({
      name: 'bare',
      backend: 'onnxruntime',
      platform: 'onnxruntime_onnx',
      default_model_filename: 'model.onnx',
      max_batch_size: 4,
      dynamic_batching: { preferred_batch_size: [4] },
      input: [
        { name: 'INPUT0', data_type: 'TYPE_FP32', dims: [16] },
        { name: 'INPUT1', data_type: 'TYPE_FP32', dims: [16] },
      ],
      output: [
        { name: 'OUTPUT0', data_type: 'TYPE_FP32', dims: [16] },
        { name: 'OUTPUT1', data_type: 'TYPE_FP32', dims: [16] },
      ],
      instance_group: [{ kind: 'KIND_CPU', count: 2 }],
    });
    const response = await postJson(url('/v2/models/bare/infer'), simpleRequest(range(16), range(16)));
    expect(response.status).toBe(200);
  });

  it('completes only what a partial config leaves out, keeping what it writes', async () => {
    linkModel(repository, 'identity_fp32', 'partial');
    const written = 'name: "partial"\nmax_batch_size: 2\noutput [ { name: "OUTPUT0", data_type: TYPE_FP32, dims: [ 8 ] } ]\ninstance_group [ { kind: KIND_CPU, count: 1 } ]\n';
    writeFileSync(join(repository, 'partial', 'config.pbtxt'), written);
    expect((await load('partial')).status).toBe(200);
    const config = (await http(url('/v2/models/partial/config'))).json<{ max_batch_size: number; input: { name: string; dims: number[] }[]; output: { name: string; dims: number[] }[] }>();
    expect(config.max_batch_size).toBe(2);
    expect(config.input.map((t) => [t.name, t.dims])).toEqual([['INPUT0', [-1]]]);
    expect(config.output.map((t) => [t.name, t.dims])).toEqual([['OUTPUT0', [8]]]);
  });
});

describe('file overrides', () => {
  const simpleOnnx = () => readFileSync(join(repository, 'simple', '1', 'model.onnx')).toString('base64');
  const simpleConfig = async (name: string) => JSON.stringify({ ...(await http(url('/v2/models/simple/config'))).json(), name });

  it('loads a model from the request alone, into a private folder and not into the repository', async () => {
    const loaded = await load('fresh', { config: await simpleConfig('fresh'), 'file:1/model.onnx': simpleOnnx() });
    expect([loaded.status, loaded.body.toString()]).toEqual([200, '']);
    const response = await postJson(url('/v2/models/fresh/infer'), simpleRequest(range(16), range(16)));
    expect(response.status).toBe(200);
    expect(existsSync(join(repository, 'fresh'))).toBe(false);
  });

  it.each([
    ['file:1/../../escape.onnx', "invalid file override 'file:1/../../escape.onnx'"],
    ['file:../escape.onnx', "invalid file override 'file:../escape.onnx'"],
    ['file:/tmp/escape.onnx', "invalid file override 'file:/tmp/escape.onnx'"],
    ['file:1/sub/../../../escape.onnx', "invalid file override 'file:1/sub/../../../escape.onnx'"],
    ['file:1/model.onnx\u0000x', "invalid file override 'file:1/model.onnx\u0000x'"],
    ['file:x1/model.onnx', "invalid file override 'file:x1/model.onnx'"],
    ['file:01/model.onnx', "invalid file override 'file:01/model.onnx'"],
  ])('refuses %j with a 400 naming the path, and writes nothing', async (key, text) => {
    const before = readdirSync(repository).sort();
    const tmpBefore = readdirSync(tmpdir()).filter((name) => name.startsWith('flotilla-override-')).length;
    const refused = await load('escapee', { config: await simpleConfig('escapee'), [key]: simpleOnnx() });
    expect(refused.status).toBe(400);
    expect(errorOf(refused)).toContain(text);
    expect(readdirSync(repository).sort()).toEqual(before);
    expect(readdirSync(tmpdir()).filter((name) => name.startsWith('flotilla-override-')).length).toBe(tmpBefore);
    expect(existsSync(join(repository, '..', 'escape.onnx'))).toBe(false);
    expect(existsSync('/tmp/escape.onnx')).toBe(false);
    expect((await index()).some((row) => row.name === 'escapee')).toBe(false);
  });
});

describe('over gRPC', () => {
  it('loads with a string config and a bytes file, refuses an escaping path as INVALID_ARGUMENT, and unloads', async () => {
    const client = createGrpcClient(flotilla.grpcAddress);
    try {
      const config = JSON.stringify({ ...(await http(url('/v2/models/simple/config'))).json(), name: 'via_grpc' });
      const onnx = readFileSync(join(repository, 'simple', '1', 'model.onnx'));
      await unaryCall(client, 'RepositoryModelLoad', {
        model_name: 'via_grpc',
        parameters: { config: { string_param: config }, 'file:1/model.onnx': { bytes_param: onnx } },
      });
      expect((await postJson(url('/v2/models/via_grpc/infer'), simpleRequest(range(16), range(16)))).status).toBe(200);
      const escaping = await grpcRefusal(
        unaryCall(client, 'RepositoryModelLoad', { model_name: 'via_grpc', parameters: { config: { string_param: config }, 'file:1/../../x': { bytes_param: onnx } } }),
      );
      expect([escaping.code, escaping.details]).toEqual([status.INVALID_ARGUMENT, expect.stringContaining("invalid file override 'file:1/../../x'")]);
      await unaryCall(client, 'RepositoryModelUnload', { model_name: 'via_grpc', parameters: { unload_dependents: { bool_param: true } } });
      expect((await index()).filter((row) => row.name === 'via_grpc')).toEqual([{ name: 'via_grpc', version: '1', state: 'UNAVAILABLE', reason: 'unloaded' }]);
    } finally {
      client.close();
    }
  });
});

describe('stopping', () => {
  // Last in the file: it stops the model repository (and starts it again).
  it("removes a load request's private folder when the model repository stops", async () => {
    const overrideFolders = () => readdirSync(tmpdir()).filter((name) => name.startsWith('flotilla-override-'));
    const before = overrideFolders();
    const config = JSON.stringify({ ...(await http(url('/v2/models/simple/config'))).json(), name: 'transient' });
    const loaded = await load('transient', { config, 'file:1/model.onnx': readFileSync(join(repository, 'simple', '1', 'model.onnx')).toString('base64') });
    expect(loaded.status).toBe(200);
    const made = overrideFolders().filter((name) => !before.includes(name));
    expect(made).toHaveLength(1);

    await flotilla.cluster.service('model-repository').stop();
    expect(existsSync(join(tmpdir(), made[0]))).toBe(false);
    flotilla.cluster.restart('model-repository');
    await flotilla.cluster.waitReady(60_000);
  });
});
