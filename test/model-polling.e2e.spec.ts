// Control mode `poll`: the repository is read again every --repository-poll-secs, and models that
// were added, changed or removed are loaded, reloaded or unloaded; the load API stays refused.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { http, postJson, range, startFlotilla, type TestFlotilla } from './support/flotilla';
import { linkModel, testRepository } from './support/repository';

let flotilla: TestFlotilla;
let repository: string;

type IndexRow = { name: string; version?: string; state?: string; reason?: string };

beforeAll(async () => {
  repository = testRepository();
  flotilla = await startFlotilla({ name: 'model-polling', modelRepository: repository, repositoryFlags: ['--model-control-mode', 'poll', '--repository-poll-secs', '1', '--disable-auto-complete-config', 'true'] });
});

afterAll(() => flotilla?.stop());

const index = async () => (await http(`${flotilla.url}/v2/repository/index`, { method: 'POST' })).json<IndexRow[]>();
const rowsOf = async (model: string) => (await index()).filter((row) => row.name === model);
const identityRequest = { inputs: [{ name: 'INPUT0', shape: [1, 16], datatype: 'FP32', data: range(16) }] };
const slotsOf = async (model: string) =>
  (await http(`${flotilla.url}/v2/flotilla/slots`)).json<{ models: { name: string; slots: unknown[] }[] }>().models.filter((m) => m.name === model).reduce((sum, m) => sum + m.slots.length, 0);

/** Polls until `check` holds (the repository is read every second; 30 s at most). */
async function eventually(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await check()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
}

it('loads a model folder that appears, reloads it when its config changes, and unloads it when it goes', async () => {
  const config = readFileSync(join(repository, 'identity_fp32', 'config.pbtxt'), 'utf8')
    .replace('name: "identity_fp32"', 'name: "added"')
    .replace(/^instance_group .*$/m, '');
  linkModel(repository, 'identity_fp32', 'added');
  writeFileSync(join(repository, 'added', 'config.pbtxt'), `${config}\ninstance_group [ { kind: KIND_CPU, count: 1 } ]\n`);
  await eventually(async () => (await rowsOf('added')).some((row) => row.state === 'READY'));
  expect(await rowsOf('added')).toEqual([{ name: 'added', version: '1', state: 'READY', reason: '' }]);
  expect((await postJson(`${flotilla.url}/v2/models/added/infer`, identityRequest)).status).toBe(200);
  expect(await slotsOf('added')).toBe(1);

  writeFileSync(join(repository, 'added', 'config.pbtxt'), `${config}\ninstance_group [ { kind: KIND_CPU, count: 2 } ]\n`);
  await eventually(async () => (await slotsOf('added')) === 2);
  expect(await slotsOf('added')).toBe(2);

  rmSync(join(repository, 'added'), { recursive: true });
  await eventually(async () => (await rowsOf('added')).every((row) => row.reason === 'unloaded'));
  expect(await rowsOf('added')).toEqual([{ name: 'added', version: '1', state: 'UNAVAILABLE', reason: 'unloaded' }]);
  const refused = await postJson(`${flotilla.url}/v2/models/added/infer`, identityRequest);
  expect(refused.json<{ error: string }>().error).toBe("Request for unknown model: 'added' has no available versions");
  expect((await http(`${flotilla.url}/v2/health/ready`)).status).toBe(200);
}, 90_000);

it('keeps a model serving when a poll finds its config broken', async () => {
  const path = join(repository, 'simple', 'config.pbtxt');
  const good = readFileSync(path, 'utf8');
  writeFileSync(path, `${good}\nmax_batch_size: "lots"\n`);
  await eventually(async () => readFileSync(flotilla.logFile, 'utf8').includes("Poll failed for model directory 'simple'"));
  expect(readFileSync(flotilla.logFile, 'utf8')).toMatch(/Poll failed for model directory 'simple': load failed for model 'simple': failed to read text proto/);
  expect(await rowsOf('simple')).toEqual([{ name: 'simple', version: '1', state: 'READY', reason: '' }]);
  const response = await postJson(`${flotilla.url}/v2/models/simple/infer`, {
    inputs: [
      { name: 'INPUT0', shape: [1, 16], datatype: 'FP32', data: range(16) },
      { name: 'INPUT1', shape: [1, 16], datatype: 'FP32', data: range(16) },
    ],
  });
  expect(response.status).toBe(200);
  writeFileSync(path, good);
}, 90_000);

it('with --disable-auto-complete-config, a model folder without config.pbtxt fails naming the file', async () => {
  linkModel(repository, 'simple', 'bare');
  await eventually(async () => (await rowsOf('bare')).length > 0);
  const [row] = await rowsOf('bare');
  expect(row).toMatchObject({ name: 'bare', state: 'UNAVAILABLE' });
  expect(row.reason).toMatch(/^failed to open text file for read .*bare\/config\.pbtxt: ENOENT$/);
}, 90_000);

it("refuses the load and unload API with Triton's text", async () => {
  for (const path of ['load', 'unload']) {
    const refused = await http(`${flotilla.url}/v2/repository/models/simple/${path}`, { method: 'POST' });
    expect([refused.status, refused.json<{ error: string }>().error]).toEqual([503, 'explicit model load / unload is not allowed if polling is enabled']);
  }
});
