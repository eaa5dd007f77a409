// Several schedulers with `--rate-limit=execution_count` (issue 14 item 4): models owned by two
// schedulers share one global resource of count 1, so the rate limiter arbitrates between the
// schedulers. Every request succeeds, never more than one execution holds the resource at once
// (the rate limiter's grants reach the scheduler that staged each slot), and when the load ends
// the resource is free again (every gated release, `flotilla.slot.released.gated.<schedulerId>`,
// reached the rate limiter).
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { ownerOf } from '@flotilla/fleet';
import { http, postJson, range, startFlotilla, type TestFlotilla } from './support/flotilla';
import { sleepModel, testRepository } from './support/repository';
import { maxConcurrent, type Run } from './support/runs';
import { natsCredentialOptions } from '@flotilla/transport';

// Twelve, so that two random scheduler ids split them (all on one: 2 in 4096).
const MODELS = range(12).map((i) => `shared_${i}`);

let flotilla: TestFlotilla;
let nats: NatsConnection;
const beating = new Set<string>();

beforeAll(async () => {
  const group = '{ count: 1, kind: KIND_CPU, rate_limiter { resources [ { name: "R", global: true, count: 1 } ] } }';
  flotilla = await startFlotilla({
    name: 'multi-scheduler-rate-limit',
    modelRepository: testRepository(Object.assign({}, ...MODELS.map((model) => sleepModel(model, group, 5)))),
    schedulers: 2,
    rateLimit: 'execution_count',
    rateLimitResources: ['R:1'],
  });
  nats = await connect({ servers: flotilla.cluster.natsUrl, ...natsCredentialOptions(flotilla.cluster.busCredentials('admin')) });
  nats.subscribe('flotilla.scheduler.heartbeat', { callback: (_error, msg) => void beating.add((msg.json() as { schedulerId: string }).schedulerId) });
  const deadline = Date.now() + 10_000;
  while (beating.size < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  for (const model of MODELS) await flotilla.cluster.waitReady(30_000, `/v2/models/${model}/ready`);
}, 120_000);

afterAll(async () => {
  await nats?.close();
  await flotilla?.stop();
});

it('shares one resource between models of two schedulers, one execution at a time, and frees it after', async () => {
  const owners = new Set(MODELS.map((model) => ownerOf(model, [...beating])));
  console.log(`rate-limited models over ${beating.size} schedulers: owners ${[...owners].join(', ')}`);
  expect(owners.size).toBe(2); // both schedulers stage and receive grants

  const body = { parameters: { flotilla_execution_info: true }, inputs: [{ name: 'INPUT0', shape: [1], datatype: 'FP32', data: [1] }] };
  const runs: Run[] = [];
  let running = true;
  const client = async (n: number) => {
    for (let i = n; running; i++) {
      const response = await postJson(`${flotilla.url}/v2/models/${MODELS[i % MODELS.length]}/infer`, body);
      expect(response.status).toBe(200);
      runs.push(response.json<{ parameters: Run }>().parameters);
    }
  };
  const clients = range(8).map(client);
  await new Promise((resolve) => setTimeout(resolve, 3000));
  running = false;
  await Promise.all(clients);

  console.log(`rate-limited load over two schedulers: ${runs.length} requests, all 200, at most ${maxConcurrent(runs)} running at once`);
  expect(runs.length).toBeGreaterThan(MODELS.length);
  expect(maxConcurrent(runs)).toBe(1);
  const view = (await http(`${flotilla.url}/v2/flotilla/rate-limiter`)).json<{ pools: { name: string; allocated: number }[]; staged: unknown[] }>();
  expect(view.pools.filter((pool) => pool.name === 'R').map((pool) => pool.allocated)).toEqual([0]);
  expect(view.staged).toEqual([]);
});
