// Parking (--rate-limit=execution_count): a lone request for an instance that needs resources goes
// to its slot ahead of its grant, and the rate limiter's grant reaches the slot directly. These
// tests take the path where the grant never comes in time: the slot gives the request up at its
// deadline, unrun, and neither the slot nor the rate limiter is left holding anything for it.
// Last, a grant for a scheduler that died (an unparked stage: a dynamic batch forms at its grant):
// nobody hears it, and the rate limiter takes the resources back instead of holding them.
import { readFileSync } from 'node:fs';
import { http, postJson, startFlotilla, type TestFlotilla } from './support/flotilla';
import { sleepModel, testRepository } from './support/repository';

/** Like `sleepModel`, batching: `dynamic_batching`, so its stages are never parked. */
function batchingSleepModel(name: string, groups: string, sleepMs: number): Record<string, string> {
  const [config, code] = Object.entries(sleepModel(name, groups, sleepMs));
  const batching = config[1].replace('max_batch_size: 0', 'max_batch_size: 8') + 'dynamic_batching { }\n';
  return { [config[0]]: batching, [code[0]]: code[1] };
}

const DEADLINE_MS = 1_000;
const HOG_MS = 2_500;

let flotilla: TestFlotilla;

beforeAll(async () => {
  flotilla = await startFlotilla({
    name: 'rate-limiter-parking',
    modelRepository: testRepository({
      // Both need the one R8 of gpu:0: while `hog` runs, `waiter` cannot.
      ...sleepModel('hog', '{ count: 1, kind: KIND_GPU, gpus: [ 0 ], rate_limiter { resources [ { name: "R8", count: 1 } ] } }', HOG_MS),
      ...sleepModel('waiter', '{ count: 1, kind: KIND_GPU, gpus: [ 0 ], rate_limiter { resources [ { name: "R8", count: 1 } ] } }', 5),
      ...batchingSleepModel('batcher', '{ count: 1, kind: KIND_GPU, gpus: [ 0 ], rate_limiter { resources [ { name: "R8", count: 1 } ] } }', 5),
    }),
    executors: [{ device: 'cpu' }, { device: 'gpu:0', simulate: true }],
    gpus: [0],
    rateLimit: 'execution_count',
    rateLimitResources: ['R8:1:0'],
    inferTimeoutMs: DEADLINE_MS,
  });
});

afterAll(() => flotilla?.stop());

interface RateLimiterView {
  pools: { name: string; allocated: number }[];
  staged: unknown[];
  instances: { model: string; executions: number; state: string }[];
}

const body = { parameters: { flotilla_execution_info: true }, inputs: [{ name: 'INPUT0', shape: [1], datatype: 'FP32', data: [1] }] };
const infer = (model: string) => postJson(`${flotilla.url}/v2/models/${model}/infer`, body);
const rateLimiterView = async () => (await http(`${flotilla.url}/v2/flotilla/rate-limiter`)).json<RateLimiterView>();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a request parked at its slot whose grant does not come before its deadline', () => {
  it('is answered with the timeout, never runs, and leaves its slot and the pool free for the next', async () => {
    const hog = infer('hog'); // holds R8 for HOG_MS, past its own deadline
    await sleep(200);
    const parked = await infer('waiter');
    expect(parked.status).not.toBe(200);
    expect(parked.body.toString()).toMatch(/timeout|deadline/i);
    await hog;
    await sleep(HOG_MS); // the hog's execution ends after its own answer

    const next = await infer('waiter');
    expect(next.status).toBe(200);
    const view = await rateLimiterView();
    expect(view.pools.find((pool) => pool.name === 'R8')?.allocated).toBe(0);
    expect(view.staged).toEqual([]);
    // The request given up never executed and never took a grant (a grant used late would count
    // an execution at its release): only the one that ran counts.
    expect(view.instances.find((instance) => instance.model === 'waiter')?.executions).toBe(1);
  });
});

describe('a grant for a scheduler that died before it came', () => {
  it('goes back to the pool when nobody hears it', async () => {
    const hog = infer('hog'); // holds R8
    await sleep(200);
    // Staged for a batch that waits in the scheduler's queue for R8 — then the scheduler dies.
    const batch = postJson(`${flotilla.url}/v2/models/batcher/infer`, { inputs: [{ name: 'INPUT0', shape: [1, 1], datatype: 'FP32', data: [1] }] });
    await sleep(200);
    await flotilla.cluster.service('scheduler').kill('SIGKILL');
    await Promise.allSettled([hog, batch]);
    await sleep(HOG_MS); // the hog's execution ends; R8 is granted to the dead scheduler's stage
    let view = await rateLimiterView();
    for (let i = 0; i < 20 && view.pools.find((pool) => pool.name === 'R8')?.allocated !== 0; i++) {
      await sleep(100);
      view = await rateLimiterView();
    }
    expect(view.pools.find((pool) => pool.name === 'R8')?.allocated).toBe(0);
    expect(readFileSync(flotilla.logFile, 'utf8')).toMatch(/grant\(s\) it never heard go back/);
  });
});

