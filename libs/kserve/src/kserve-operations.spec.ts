import { FlotillaError, invalidArg, type ExecutorAnnouncement, type ModelRecord, type RepositoryLoadRequest, type SchedulerStatus } from '@flotilla/contracts';
import { KserveOperations, type FleetCatalog } from './kserve-operations';

const group = { name: 'g', kind: 'KIND_CPU', count: 1, gpus: [], passive: false };
const config = (name: string) => ({ name, platform: 'onnxruntime_onnx', backend: 'onnxruntime', max_batch_size: 0, input: [], output: [], instance_group: [group] });
const simple: ModelRecord = { name: 'simple', config: config('simple'), reason: '', versions: [{ version: 1, state: 'READY', reason: '' }, { version: 2, state: 'UNAVAILABLE', reason: 'bad file' }] } as unknown as ModelRecord;
const broken: ModelRecord = { name: 'broken', reason: 'failed to read text proto', versions: [] } as unknown as ModelRecord;

const loads: RepositoryLoadRequest[] = [];
const unloads: string[] = [];

/** `ready`: the model versions whose one instance (g_0 on the CPU) is announced ready. */
function catalog(records: ModelRecord[], ready: { name: string; version: number }[], notLoaded: string[] = [], routable = ready): FleetCatalog {
  const slots = ready.map((m) => ({ model: m.name, version: m.version, instance: 'g_0', state: 'ready' }));
  return {
    get: async (name) => records.find((r) => r.name === name) ?? Promise.reject(invalidArg(`Request for unknown model: '${name}' is not found`)),
    refresh: async () => records,
    index: async () => ({ repository: '/r', models: records, notLoaded }),
    executors: () => [{ device: 'cpu', slots } as unknown as ExecutorAnnouncement],
    loadModel: async (request) => void loads.push(request),
    unloadModel: async (model) => void unloads.push(model),
    schedulerStatus: async () => ({ models: routable.map((m) => ({ ...m, ready: true, queued: 0, loading: 0, slots: [{ slotId: 's', busy: false }] })) }) as unknown as SchedulerStatus,
    statistics: async () => ({ models: [] }),
  };
}

async function refusal(pending: Promise<unknown> | (() => unknown)): Promise<FlotillaError> {
  try {
    await (typeof pending === 'function' ? pending() : pending);
  } catch (error) {
    return error as FlotillaError;
  }
  throw new Error('not refused');
}

describe('KserveOperations', () => {
  const ops = (strictReadiness = true) => new KserveOperations(catalog([simple, broken], [{ name: 'simple', version: 1 }]), { strictReadiness, serverVersion: '9.9' });

  it('is ready under strict readiness only when every model loaded; otherwise when the loaded ones can execute', async () => {
    expect(await ops(true).serverReady()).toBe(false);
    expect(await ops(false).serverReady()).toBe(true);
    // A version the repository loaded but whose instance has no session yet is not ready, strict or not.
    const loadedOnly = { ...simple, versions: [{ version: 1, state: 'READY', reason: '' }] } as unknown as ModelRecord;
    const server = (records: ModelRecord[], ready: { name: string; version: number }[], strictReadiness: boolean) => new KserveOperations(catalog(records, ready), { strictReadiness, serverVersion: '' });
    expect(await server([loadedOnly], [], false).serverReady()).toBe(false);
    expect(await server([loadedOnly], [{ name: 'simple', version: 1 }], true).serverReady()).toBe(true);
    // Loading is never ready; an unloaded model does not count, strict or not.
    const loading = { ...simple, versions: [{ version: 1, state: 'LOADING', reason: '' }] } as unknown as ModelRecord;
    expect(await server([loading], [{ name: 'simple', version: 1 }], false).serverReady()).toBe(false);
    const unloaded = { name: 'gone', reason: '', versions: [{ version: 1, state: 'UNAVAILABLE', reason: 'unloaded' }] } as unknown as ModelRecord;
    expect(await server([loadedOnly, unloaded], [{ name: 'simple', version: 1 }], true).serverReady()).toBe(true);
  });

  it('is not ready while the scheduler has no slot for a version its executor announced ready', async () => {
    const announcedOnly = new KserveOperations(catalog([{ ...simple, versions: [simple.versions[0]] }], [{ name: 'simple', version: 1 }], [], []), { strictReadiness: true, serverVersion: '' });
    expect(await announcedOnly.modelReady('simple', undefined)).toBe(false);
    expect(await announcedOnly.serverReady()).toBe(false);
  });

  it('says why the server is not ready: a model that failed to load, a version nothing can execute, a service that does not answer', async () => {
    expect((await ops(true).serverReadiness()).reasons).toEqual([
      "model 'simple' version 2 is UNAVAILABLE: bad file",
      "model 'broken' failed to load: failed to read text proto",
    ]);
    const noExecutor = new KserveOperations(catalog([{ ...simple, versions: [simple.versions[0]] } as ModelRecord], []), { strictReadiness: true, serverVersion: '' });
    expect(await noExecutor.serverReadiness()).toEqual({ ready: false, reasons: ["model 'simple' version 1 does not have all its instances: waiting for g_0 on cpu"] });
    const notRouted = new KserveOperations(catalog([{ ...simple, versions: [simple.versions[0]] } as ModelRecord], [{ name: 'simple', version: 1 }], [], []), { strictReadiness: true, serverVersion: '' });
    expect(await notRouted.serverReadiness()).toEqual({ ready: false, reasons: [expect.stringMatching(/^model 'simple' version 1 has no instance that can execute/)] });
    const noScheduler = { ...catalog([simple], []), schedulerStatus: () => Promise.reject(invalidArg('request to flotilla.scheduler.status failed: no service is listening')) };
    expect(await new KserveOperations(noScheduler, { strictReadiness: false, serverVersion: '' }).serverReadiness()).toEqual({
      ready: false,
      reasons: ['the scheduler does not answer: request to flotilla.scheduler.status failed: no service is listening'],
    });
  });

  it('answers readiness of a model, and refuses a version it has never heard of', async () => {
    expect(await ops().modelReady('simple', undefined)).toBe(true);
    expect(await ops().modelReady('simple', '2')).toBe(false);
    expect((await refusal(ops().modelReady('simple', '7'))).message).toBe("Request for unknown model: 'simple' version 7 is not found");
    expect((await refusal(ops().modelReady('nope', undefined))).code).toBe('INVALID_ARG');
  });

  it('serves a config for a ready version only', async () => {
    expect(await ops().modelConfig('simple', '1')).toEqual({ config: expect.objectContaining({ name: 'simple' }), warnings: [] });
    expect((await refusal(ops().modelConfig('simple', '2'))).code).toBe('NOT_FOUND');
    expect((await refusal(ops().modelConfig('broken', undefined))).message).toBe("model 'broken' is not available: failed to read text proto");
    const unloaded = { name: 'gone', reason: '', versions: [{ version: 1, state: 'UNAVAILABLE', reason: 'unloaded' }] } as unknown as ModelRecord;
    const afterUnload = new KserveOperations(catalog([unloaded], []), { strictReadiness: true, serverVersion: '' });
    expect((await refusal(afterUnload.modelConfig('gone', undefined))).message).toBe("Request for unknown model: 'gone' has no available versions");
  });

  it('lists the repository index, READY versions only when asked, and refuses a named repository', async () => {
    expect(await ops().repositoryIndex()).toEqual([
      { name: 'broken', state: 'UNAVAILABLE', reason: 'failed to read text proto' },
      { name: 'simple', version: '1', state: 'READY', reason: '' },
      { name: 'simple', version: '2', state: 'UNAVAILABLE', reason: 'bad file' },
    ]);
    expect(await ops().repositoryIndex({ readyOnly: true })).toEqual([{ name: 'simple', version: '1', state: 'READY', reason: '' }]);
    const withFolders = new KserveOperations(catalog([simple], [], ['alpha']), { strictReadiness: true, serverVersion: '' });
    expect((await withFolders.repositoryIndex())[0]).toEqual({ name: 'alpha' });
    const named = await refusal(ops().repositoryIndex({ repository: 'other' }));
    expect([named.code, named.message]).toEqual(['UNSUPPORTED', "'repository_name' specification is not supported"]);
  });

  it('passes a load with its checked overrides to the repository, and refuses parameters it would ignore', async () => {
    await ops().repositoryLoad({ model: 'simple', parameters: { config: JSON.stringify({ max_batch_size: 2 }), 'file:1/model.onnx': Buffer.from('x').toString('base64') } });
    expect(loads.at(-1)).toMatchObject({ model: 'simple', config: { max_batch_size: 2 }, files: [{ version: 1, path: 'model.onnx', base64: 'eA==' }] });
    expect((await refusal(ops().repositoryLoad({ model: 'simple', parameters: { colour: 1 } }))).message).toBe("Unrecognized load parameter 'colour' with type 'int64'");
    expect((await refusal(ops().repositoryLoad({ model: 'simple', parameters: { config: '{}', 'file:1/../../x': 'AA==' } }))).message).toMatch(/^invalid file override 'file:1\/..\/..\/x'/);
    await ops().repositoryUnload({ model: 'simple', parameters: { unload_dependents: true } });
    expect(unloads.at(-1)).toBe('simple');
    expect((await refusal(ops().repositoryUnload({ model: 'simple', parameters: { unload_dependents: 'yes' } }))).message).toBe("Unrecognized unload parameter 'unload_dependents' with type 'string'");
  });

  it('reports the server as triton, with the extensions that work', () => {
    expect(ops().serverMetadata()).toEqual({ name: 'triton', version: '9.9', extensions: ['binary_tensor_data', 'model_configuration', 'model_repository', 'model_repository(unload_dependents)', 'schedule_policy', 'statistics', 'trace'] });
  });
});
