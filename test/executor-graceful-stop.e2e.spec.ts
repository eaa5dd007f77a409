// An executor that is stopped (SIGTERM: a deploy, a scale-down) finishes the payloads its slots
// already hold before it leaves: nothing that was running is lost. Requests still queued at the
// scheduler fail fast, naming the cause, once no instance is left.
import { matmulRequest, postJson, range, startFlotilla, type TestFlotilla } from './support/flotilla';
import { testRepository } from './support/repository';

let flotilla: TestFlotilla;

beforeAll(async () => {
  flotilla = await startFlotilla({ name: 'executor-graceful-stop', modelRepository: testRepository(), inferTimeoutMs: 20_000 });
});

afterAll(() => flotilla?.stop());

it('answers every payload its slots already hold when an executor is stopped', async () => {
  const infer = () => postJson(`${flotilla.url}/v2/models/matmul_chain/infer`, matmulRequest());
  const pending = range(16).map(() => infer());
  await Promise.race(pending); // work is running on both slots
  await flotilla.cluster.service('executor:cpu').stop();

  const results = await Promise.all(pending);
  // The slots held up to 2 × (1 + prefetch 2) payloads when the stop began: every one of them is
  // answered with its result. Only requests still queued at the scheduler fail, and they say why.
  const succeeded = results.filter((r) => r.status === 200).length;
  expect(succeeded).toBeGreaterThanOrEqual(2);
  for (const failed of results.filter((r) => r.status !== 200)) {
    expect(failed.status).toBe(503);
    expect(failed.json<{ error: string }>().error).toMatch(/version 1 has no ready instances left: executor .* is stopping/);
  }
});
