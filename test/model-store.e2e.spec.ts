// Models travel over NATS (issue 14, item 2): the model repository puts every loaded version's files
// in the model store (a JetStream object store, by sha256), and an executor on a host without the
// repository's folder fetches them into its own cache, by digest. Real nats-server (JetStream on),
// real services, real onnxruntime. The executor counts its fetches in its log (`model store fetch
// #<n>`), which is what the reload checks read.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, copyFileSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Objm } from '@nats-io/obj';
import { FlotillaCluster, freePort } from '@flotilla/local-cluster';
import { http, matmulRequest, postJson, range, simpleRequest } from './support/flotilla';
import { testRepository } from './support/repository';
import { natsCredentialOptions } from '@flotilla/transport';

const MODELS = ['identity_bytes', 'identity_fp32', 'matmul_chain', 'simple'];
const BUCKET = 'flotilla-models';

let cluster: FlotillaCluster;
let repository: string;
let logFile: string;
let nats: NatsConnection;
const scratch = mkdtempSync(join(tmpdir(), 'flotilla-model-store-'));
let cacheDir = join(scratch, 'cache-1');

const url = (path: string) => `${cluster.url}${path}`;
const sha256 = (path: string) => `sha256:${createHash('sha256').update(readFileSync(path)).digest('hex')}`;
const executorLog = () => readFileSync(logFile, 'utf8').split('\n').filter((line) => line.startsWith('executor:cpu'));
/** The executor's fetch lines since it started (the count in them restarts with the process). */
const fetchLines = () => executorLog().filter((line) => line.includes('model store fetch #'));
const load = (model: string, parameters?: Record<string, unknown>) => postJson(url(`/v2/repository/models/${model}/load`), parameters ? { parameters } : {});
const unload = (model: string) => postJson(url(`/v2/repository/models/${model}/unload`), {});
type IndexRow = { name: string; state?: string; reason?: string };
const index = async () => (await http(url('/v2/repository/index'), { method: 'POST' })).json<IndexRow[]>();

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; service logs: ${logFile}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function startBusExecutor(source = 'bus'): void {
  cluster.startExecutor({ device: 'cpu', extraFlags: ['--model-source', source, '--model-cache-dir', cacheDir] });
}

async function outputOf(model: string, body: unknown): Promise<Record<string, unknown>[]> {
  const response = await postJson(url(`/v2/models/${model}/infer`), body);
  expect(response.status, response.body.toString()).toBe(200);
  return response.json<{ outputs: Record<string, unknown>[] }>().outputs;
}

beforeAll(async () => {
  repository = testRepository();
  logFile = join(tmpdir(), `flotilla-e2e-model-store-${process.pid}.log`);
  // No executor yet: the models are published and wait LOADING until one comes.
  cluster = await FlotillaCluster.start({
    modelRepository: repository,
    httpPort: await freePort(),
    natsPort: await freePort(),
    httpAddress: '127.0.0.1',
    executors: [],
    gpus: [],
    repositoryFlags: ['--model-control-mode', 'explicit', '--load-model', '*'],
    log: (service, line) => appendFileSync(logFile, `${service.padEnd(16)} ${line}\n`),
  });
  nats = await connect({ servers: cluster.natsUrl, ...natsCredentialOptions(cluster.busCredentials('admin')) });
});

afterAll(async () => {
  await nats?.close();
  await cluster?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

describe('an executor on a host without the repository folder', () => {
  it('fetches every file of every example model from the model store once, and serves them all', async () => {
    await until('every model LOADING (its files stored)', async () => {
      // Not yet listening, or listening before the model repository answers (a 503 with an error, not rows): ask again.
      const rows: unknown = await index().catch(() => undefined);
      if (!Array.isArray(rows)) return undefined;
      return MODELS.every((name) => (rows as IndexRow[]).some((row) => row.name === name && row.state === 'LOADING')) ? rows : undefined;
    });
    // The repository's folder is not on this "host" any more: the paths the records name lead nowhere.
    const digests = new Map(MODELS.map((model) => [model, sha256(join(repository, model, '1', 'model.onnx'))]));
    renameSync(repository, `${repository}.away`);
    try {
      startBusExecutor();
      const report = await cluster.waitForModels({ timeoutMs: 120_000 });
      expect(report.failed).toEqual([]);
      expect((await index()).filter((row) => row.state === 'READY').map((row) => row.name).sort()).toEqual(MODELS);

      const fetched = fetchLines();
      expect(fetched).toHaveLength(MODELS.length);
      for (const [model, digest] of digests) expect(fetched.some((line) => line.includes(`model '${model}' version 1 file 'model.onnx' (${digest},`))).toBe(true);
      const fromCache = executorLog().filter((line) => line.includes('ready on cpu') && line.includes(`from the model cache, ${cacheDir}/versions/`));
      expect(new Set(fromCache.map((line) => /of (\w+) v1 ready/.exec(line)?.[1])).size).toBe(MODELS.length);

      const a = range(16).map((i) => i + 1);
      const b = range(16).map(() => 2);
      const simple = await outputOf('simple', simpleRequest(a, b));
      expect(simple.find((o) => o.name === 'OUTPUT0')?.data).toEqual(a.map((x) => x + 2));
      expect(simple.find((o) => o.name === 'OUTPUT1')?.data).toEqual(a.map((x) => x - 2));
      const fp32 = await outputOf('identity_fp32', { inputs: [{ name: 'INPUT0', shape: [1, 4], datatype: 'FP32', data: [1.5, -2, 0, 8] }] });
      expect(fp32[0].data).toEqual([1.5, -2, 0, 8]);
      const bytes = await outputOf('identity_bytes', { inputs: [{ name: 'INPUT0', shape: [1, 2], datatype: 'BYTES', data: ['flotilla', 'über'] }] });
      expect(bytes[0].data).toEqual(['flotilla', 'über']);
      const matmul = await outputOf('matmul_chain', matmulRequest());
      expect(matmul[0].shape).toEqual([1, 1024]);
      expect((matmul[0].data as number[]).every(Number.isFinite)).toBe(true);
    } finally {
      renameSync(`${repository}.away`, repository);
    }
  });

  it('fetches nothing on a reload that changes only the config; fetches the one changed file when the model file changes', async () => {
    const before = fetchLines().length;

    // Config only: a second instance of `simple`, loaded from the cached files.
    const config = (await http(url('/v2/models/simple/config'))).json<{ instance_group: { count: number }[] }>();
    config.instance_group[0].count = 2;
    const reloaded = await load('simple', { config: JSON.stringify(config) });
    expect(reloaded.status, reloaded.body.toString()).toBe(200);
    expect(executorLog().some((line) => line.includes('instance simple_0_1 of simple v1 ready') && line.includes('from the model cache'))).toBe(true);
    expect(fetchLines()).toHaveLength(before);
    expect((await outputOf('simple', simpleRequest(range(16), range(16))))[0].data).toEqual(range(16).map((x) => 2 * x));

    // A new model file (other weights) for matmul_chain: exactly that file travels.
    const oldOutput = (await outputOf('matmul_chain', matmulRequest()))[0].data;
    const generated = join(scratch, 'generated');
    const generator = spawnSync(process.execPath, [join(__dirname, '../dist/tools/model-generator/src/main.js'), '--out', generated, '--models', 'matmul_chain', '--matmul-seed', '7']);
    expect(generator.status, generator.stderr?.toString()).toBe(0);
    const target = join(repository, 'matmul_chain', '1', 'model.onnx');
    rmSync(target); // a link into the shared model cache of the tests: replaced, never written through
    copyFileSync(join(generated, 'matmul_chain', '1', 'model.onnx'), target);
    const digest = sha256(target);
    const changed = await load('matmul_chain');
    expect(changed.status, changed.body.toString()).toBe(200);
    const fetched = fetchLines().slice(before);
    expect(fetched).toHaveLength(1);
    expect(fetched[0]).toContain(`model 'matmul_chain' version 1 file 'model.onnx' (${digest},`);
    expect((await outputOf('matmul_chain', matmulRequest()))[0].data).not.toEqual(oldOutput);
  });

  it('fails the load of a version whose object in the model store is corrupt, naming model, version, file and digest', async () => {
    const digest = sha256(join(repository, 'identity_fp32', '1', 'model.onnx'));
    const size = readFileSync(join(repository, 'identity_fp32', '1', 'model.onnx')).length;
    const store = await new Objm(nats).open(BUCKET);
    expect((await store.info(digest))?.size).toBe(size);
    const tampered = 'not the model that digest names';
    await store.putBlob({ name: digest }, new TextEncoder().encode(tampered));

    // A new executor with an empty cache: the tampered object is the only copy it can get.
    await cluster.service('executor:cpu').stop();
    cacheDir = join(scratch, 'cache-2');
    startBusExecutor();
    const failure = await until('the failed load in the executor log', () => executorLog().find((line) => line.includes('instance identity_fp32_0_0 of identity_fp32 v1 failed to load')));
    const tamperedDigest = `sha256:${createHash('sha256').update(tampered).digest('hex')}`;
    expect(failure).toContain(
      `model 'identity_fp32' version 1: file 'model.onnx' (${digest}, ${size} bytes): fetching it from the model store (bucket '${BUCKET}') failed: ` +
        `the model store sent ${tampered.length} bytes with digest ${tamperedDigest}, not the ${size} bytes with ${digest} the manifest lists`,
    );
    expect(existsSync(join(cacheDir, 'blobs', 'sha256', digest.slice('sha256:'.length)))).toBe(false);

    // The load API says the same; the repository puts the file back meanwhile (the stored digest
    // was not the file's), so an unload and load serve the model again.
    const refused = await load('identity_fp32');
    expect(refused.status).toBe(400);
    expect(refused.json<{ error: string }>().error).toContain(`version 1 is at UNAVAILABLE state: model 'identity_fp32' version 1: file 'model.onnx' (${digest}, ${size} bytes)`);
    expect((await store.info(digest))?.size).toBe(size);
    expect((await unload('identity_fp32')).status).toBe(200);
    // The unload reaches the executor on its own time; until then its failed slot is still announced.
    await until('the failed slot gone from the executor', async () => {
      const health = (await http(url('/v2/flotilla/health'))).json<{ services: { executor?: { reasons: string[] }[] } }>();
      return health.services.executor?.every((executor) => !executor.reasons.some((reason) => reason.includes('identity_fp32'))) ? true : undefined;
    });
    const again = await load('identity_fp32');
    expect(again.status, again.body.toString()).toBe(200);
    expect((await outputOf('identity_fp32', { inputs: [{ name: 'INPUT0', shape: [1, 2], datatype: 'FP32', data: [3, 4] }] }))[0].data).toEqual([3, 4]);
  });

  it('deletes from the model store the objects no loaded version references any more', async () => {
    const store = await new Objm(nats).open(BUCKET);
    const digest = sha256(join(repository, 'identity_bytes', '1', 'model.onnx'));
    expect((await store.info(digest))?.deleted).toBe(false);
    expect((await unload('identity_bytes')).status).toBe(200);
    await until('the object swept', async () => ((await store.info(digest))?.deleted !== false ? true : undefined), 10_000);
    expect((await load('identity_bytes')).status).toBe(200);
    expect((await store.info(digest))?.deleted).toBe(false);
  });

  it('with --model-source=auto on the repository host, reads the folder itself and fetches nothing', async () => {
    await cluster.service('executor:cpu').stop();
    const started = executorLog().length;
    cacheDir = join(scratch, 'cache-3');
    startBusExecutor('auto');
    const report = await cluster.waitForModels({ timeoutMs: 120_000 });
    expect(report.failed).toEqual([]);
    await until('every model served by the new executor', async () => {
      const ready = executorLog().slice(started).filter((line) => line.includes('ready on cpu'));
      return MODELS.every((model) => ready.some((line) => line.includes(`of ${model} v1 ready`))) ? ready : undefined;
    });
    const since = executorLog().slice(started);
    expect(since.filter((line) => line.includes('model store fetch #'))).toEqual([]);
    for (const model of MODELS) expect(since.some((line) => line.includes(`of ${model} v1 ready`) && line.includes(`from ${repository}/${model}/1/model.onnx`))).toBe(true);
    expect((await outputOf('identity_fp32', { inputs: [{ name: 'INPUT0', shape: [1, 1], datatype: 'FP32', data: [7] }] }))[0].data).toEqual([7]);
  });
});
