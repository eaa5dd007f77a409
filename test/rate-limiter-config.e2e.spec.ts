// The rate limiter's configuration end to end (issue 9, first part): `--rate-limit-resource`
// through the launcher's cluster to the model repository, which fails a model whose instances
// could never get their resources with Triton's text, and to the rate limiter, which sizes its
// pools and registers every executable slot; `GET /v2/flotilla/rate-limiter` shows both.
import { http, postJson, range, startFlotilla, type TestFlotilla } from './support/flotilla';
import { sleepModel, testRepository } from './support/repository';

function repository(): string {
  return testRepository({
    ...sleepModel('fits', '{ count: 1, kind: KIND_GPU, gpus: [ 0 ], rate_limiter { resources [ { name: "R1", count: 4 } ] priority: 2 } }'),
    ...sleepModel('global_fits', '{ count: 1, kind: KIND_GPU, gpus: [ 1 ], rate_limiter { resources [ { name: "R2", global: true, count: 2 } ] } }'),
    ...sleepModel('cpu_model', '{ count: 1, kind: KIND_CPU, rate_limiter { resources [ { name: "R1", count: 4 } ] priority: 0 } }'),
    // R1 is counted only for device 0 (R1:4:0), so device 1 offers none of it.
    ...sleepModel('too_big', '{ count: 1, kind: KIND_GPU, gpus: [ 1 ], rate_limiter { resources [ { name: "R1", count: 2 } ] } }'),
  });
}

interface IndexRow {
  name: string;
  version?: string;
  state: string;
  reason: string;
}
interface RateLimiterView {
  rateLimit: string;
  pools: { pool: string | number; name: string; total: number; allocated: number }[];
  staged: unknown[];
  instances: { id: string; model: string; device: string; pools: (string | number)[]; priority: number; executions: number; state: string }[];
}

const executors = [{ device: 'cpu' }, ...range(2).map((id) => ({ device: `gpu:${id}`, simulate: true }))];
const sleepRequest = { inputs: [{ name: 'INPUT0', shape: [1], datatype: 'FP32', data: [1] }] };

describe('with --rate-limit=execution_count and explicit resources', () => {
  let flotilla: TestFlotilla;
  beforeAll(async () => {
    flotilla = await startFlotilla({
      name: 'rate-limiter-config',
      modelRepository: repository(),
      executors,
      rateLimit: 'execution_count',
      rateLimitResources: ['R1:4:0', 'R2:2'],
      strictReadiness: false,
    });
  });
  afterAll(() => flotilla?.stop());

  it('fails the model whose instances need a resource its device does not offer, with Triton’s text, and loads the others', async () => {
    const rows = (await http(`${flotilla.url}/v2/repository/index`, { method: 'POST' })).json<IndexRow[]>();
    const row = (name: string) => rows.find((r) => r.name === name);
    expect(row('too_big')).toMatchObject({
      state: 'UNAVAILABLE',
      reason: 'Resource count for "R1" is limited to 0 which will prevent scheduling of one or more model instances, the minimum required count is 2',
    });
    for (const name of ['fits', 'global_fits', 'cpu_model', 'simple']) expect(row(name)).toMatchObject({ state: 'READY' });
  });

  it('shows the pools as the flags size them and every executable slot with its priority', async () => {
    let view: RateLimiterView | undefined;
    for (let tries = 0; tries < 50; tries++) {
      view = (await http(`${flotilla.url}/v2/flotilla/rate-limiter`)).json<RateLimiterView>();
      if (['fits', 'global_fits', 'cpu_model'].every((model) => view!.instances.some((i) => i.model === model))) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(view!.rateLimit).toBe('execution_count');
    expect(view!.pools).toEqual([
      { pool: 'global', name: 'R2', total: 2, allocated: 0 },
      { pool: 0, name: 'R1', total: 4, allocated: 0 },
    ]);
    const instance = (model: string) => view!.instances.find((i) => i.model === model);
    expect(instance('fits')).toMatchObject({ device: 'gpu:0', pools: [0], priority: 2, state: 'idle' });
    expect(instance('global_fits')).toMatchObject({ device: 'gpu:1', pools: ['global'], priority: 1 });
    // KIND_CPU counts per-device resources on device 0 (Triton's quirk); priority 0 is priority 1.
    expect(instance('cpu_model')).toMatchObject({ device: 'cpu', pools: [0], priority: 1 });
    expect(instance('too_big')).toBeUndefined();
    expect(view!.staged).toEqual([]);
  });

  it('still serves the models that loaded', async () => {
    const response = await postJson(`${flotilla.url}/v2/models/fits/infer`, sleepRequest);
    expect(response.status).toBe(200);
  });
});

describe('with --rate-limit=off (Triton’s default)', () => {
  let flotilla: TestFlotilla;
  beforeAll(async () => {
    flotilla = await startFlotilla({ name: 'rate-limiter-off', modelRepository: repository(), executors, rateLimitResources: ['R1:4:0'] });
  });
  afterAll(() => flotilla?.stop());

  it('ignores resources and priorities: every model loads, and the rate limiter holds nothing', async () => {
    const rows = (await http(`${flotilla.url}/v2/repository/index`, { method: 'POST' })).json<IndexRow[]>();
    expect(rows.find((r) => r.name === 'too_big')).toMatchObject({ state: 'READY' });
    expect((await http(`${flotilla.url}/v2/flotilla/rate-limiter`)).json<RateLimiterView>()).toEqual({ rateLimit: 'off', pools: [], staged: [], instances: [] });
    expect((await postJson(`${flotilla.url}/v2/models/too_big/infer`, sleepRequest)).status).toBe(200);
  });
});

