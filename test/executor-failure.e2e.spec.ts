// A dead executor must not leave anything hanging: its in-flight requests fail fast with a clear
// error, the gateway stays up, and a restarted executor serves again.
import { http, matmulRequest, postJson, range, startFlotilla, type HttpResult, type TestFlotilla } from './support/flotilla';
import { testRepository } from './support/repository';

let flotilla: TestFlotilla;
const INFER_TIMEOUT_MS = 20_000;

beforeAll(async () => {
  flotilla = await startFlotilla({ name: 'executor-failure', modelRepository: testRepository(), inferTimeoutMs: INFER_TIMEOUT_MS });
});

afterAll(() => flotilla?.stop());

const infer = () => postJson(`${flotilla.url}/v2/models/matmul_chain/infer`, matmulRequest());

it('fails in-flight requests with a clear error when their executor is killed, then serves again after a restart', async () => {
  // ~30 ms each on two slots: 24 requests keep the executor busy for ~360 ms.
  const sent = Date.now();
  const pending = range(24).map(() => infer().then((response) => ({ response, at: Date.now() - sent })));
  await Promise.race(pending); // the first answer proves work is running
  await flotilla.cluster.service('executor:cpu').kill('SIGKILL');

  const results = await Promise.all(pending);
  const failed = results.filter(({ response }) => response.status !== 200);
  expect(failed.length).toBeGreaterThan(0);
  for (const { response, at } of failed) {
    expect(response.status).toBe(503);
    expect(response.json<{ error: string }>().error).toMatch(/stopped while executing the request|no ready instances/);
    // Answered by the scheduler noticing the dead executor, long before the request deadline.
    expect(at).toBeLessThan(INFER_TIMEOUT_MS);
  }

  // The gateway is still up, and says the model cannot run now instead of hanging.
  expect((await http(`${flotilla.url}/v2/health/live`)).status).toBe(200);
  const refused = await infer();
  expect(refused.status).toBe(503);
  expect(refused.json<{ error: string }>().error).toMatch(/has no ready instances/);

  flotilla.cluster.startExecutor({ device: 'cpu' });
  await flotilla.cluster.waitReady(30_000, '/v2/models/matmul_chain/ready');
  const served: HttpResult = await infer();
  expect(served.status).toBe(200);
});

it('answers 503 naming the cause while the scheduler is down, and serves again once it is back', async () => {
  await flotilla.cluster.service('scheduler').kill('SIGKILL');
  const started = Date.now();
  const refused = await infer();
  expect(refused.status).toBe(503);
  expect(refused.json<{ error: string }>().error).toMatch(/no scheduler or executor is listening/);
  expect(Date.now() - started).toBeLessThan(INFER_TIMEOUT_MS);

  flotilla.cluster.startService('scheduler');
  await flotilla.cluster.waitReady(30_000, '/v2/models/matmul_chain/ready');
  expect((await infer()).status).toBe(200);
});
