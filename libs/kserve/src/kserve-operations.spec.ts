import { FlotillaError, invalidArg, type ModelRecord, type SchedulerStatus } from '@flotilla/contracts';
import { KserveOperations, MODEL_CONTROL_DISABLED, type FleetCatalog } from './kserve-operations';

const config = (name: string) => ({ name, platform: 'onnxruntime_onnx', backend: 'onnxruntime', max_batch_size: 0, input: [], output: [] });
const simple: ModelRecord = { name: 'simple', config: config('simple'), reason: '', versions: [{ version: 1, state: 'READY', reason: '' }, { version: 2, state: 'UNAVAILABLE', reason: 'bad file' }] } as unknown as ModelRecord;
const broken: ModelRecord = { name: 'broken', reason: 'failed to read text proto', versions: [] } as unknown as ModelRecord;

function catalog(records: ModelRecord[], ready: { name: string; version: number }[]): FleetCatalog {
  return {
    get: async (name) => records.find((r) => r.name === name) ?? Promise.reject(invalidArg(`Request for unknown model: '${name}' is not found`)),
    refresh: async () => records,
    schedulerStatus: async () => ({ models: ready.map((m) => ({ ...m, ready: true, queued: 0, loading: 0, slots: [] })) }) as unknown as SchedulerStatus,
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
    // A version the repository loaded but no slot can execute yet is not ready, strict or not.
    const loadedOnly = { ...simple, versions: [{ version: 1, state: 'READY', reason: '' }] } as unknown as ModelRecord;
    expect(await new KserveOperations(catalog([loadedOnly], []), { strictReadiness: false, serverVersion: '' }).serverReady()).toBe(false);
    expect(await new KserveOperations(catalog([loadedOnly], [{ name: 'simple', version: 1 }]), { strictReadiness: true, serverVersion: '' }).serverReady()).toBe(true);
  });

  it('says why the server is not ready: a model that failed to load, a version nothing can execute, a service that does not answer', async () => {
    expect((await ops(true).serverReadiness()).reasons).toEqual([
      "model 'simple' version 2 is UNAVAILABLE: bad file",
      "model 'broken' failed to load: failed to read text proto",
    ]);
    const noExecutor = new KserveOperations(catalog([{ ...simple, versions: [simple.versions[0]] } as ModelRecord], []), { strictReadiness: true, serverVersion: '' });
    expect(await noExecutor.serverReadiness()).toEqual({ ready: false, reasons: [expect.stringMatching(/^model 'simple' version 1 has no instance that can execute/)] });
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
  });

  it('lists the repository index, READY versions only when asked, and refuses a named repository', async () => {
    expect(await ops().repositoryIndex()).toEqual([
      { name: 'simple', version: '1', state: 'READY', reason: '' },
      { name: 'simple', version: '2', state: 'UNAVAILABLE', reason: 'bad file' },
      { name: 'broken', state: 'UNAVAILABLE', reason: 'failed to read text proto' },
    ]);
    expect(await ops().repositoryIndex({ readyOnly: true })).toEqual([{ name: 'simple', version: '1', state: 'READY', reason: '' }]);
    const named = await refusal(ops().repositoryIndex({ repository: 'other' }));
    expect([named.code, named.message]).toEqual(['UNSUPPORTED', "'repository_name' specification is not supported"]);
  });

  it("answers load and unload with Triton's control-mode-none refusal", async () => {
    const error = await refusal(() => ops().repositoryModelControl({ model: 'simple' }));
    expect([error.code, error.message]).toEqual(['UNAVAILABLE', MODEL_CONTROL_DISABLED]);
  });

  it('reports the server as triton, with the extensions that work', () => {
    expect(ops().serverMetadata()).toEqual({ name: 'triton', version: '9.9', extensions: ['binary_tensor_data', 'model_configuration', 'schedule_policy', 'statistics', 'trace'] });
  });
});
