// The rate limiter on the request path (--rate-limit=execution_count), judged from the slots' own
// start/end stamps: an instance runs only while it holds its resources, so instances that need a
// whole pool never overlap, and instances that need half of it do; a global resource serialises
// instances on different devices, a per-device one does not.
import { http, postJson, range, simpleRequest, startFlotilla, type TestFlotilla } from './support/flotilla';
import { sleepModel, testRepository } from './support/repository';
import { maxConcurrent, type Run } from './support/runs';

let flotilla: TestFlotilla;

beforeAll(async () => {
  flotilla = await startFlotilla({
    name: 'rate-limiter',
    modelRepository: testRepository({
      // Two instances on gpu:0, each needing all four R1 of device 0.
      ...sleepModel('whole_pool', '{ count: 2, kind: KIND_GPU, gpus: [ 0 ], rate_limiter { resources [ { name: "R1", count: 4 } ] } }'),
      // Two instances on gpu:1, each needing two of device 1's four R3.
      ...sleepModel('half_pool', '{ count: 2, kind: KIND_GPU, gpus: [ 1 ], rate_limiter { resources [ { name: "R3", count: 2 } ] } }'),
      // One instance on each GPU, both needing both global R2.
      ...sleepModel('global_pair', '{ count: 1, kind: KIND_GPU, gpus: [ 0, 1 ], rate_limiter { resources [ { name: "R2", global: true, count: 2 } ] } }'),
      // One instance on each GPU, each needing its own device's two R4.
      ...sleepModel('device_pair', '{ count: 1, kind: KIND_GPU, gpus: [ 0, 1 ], rate_limiter { resources [ { name: "R4", count: 2 } ] } }'),
      // Two models contending for device 1's single R5, with priorities 1 and 2.
      ...sleepModel('first_class', '{ count: 1, kind: KIND_GPU, gpus: [ 1 ], rate_limiter { resources [ { name: "R5", count: 1 } ] priority: 1 } }', 5),
      ...sleepModel('second_class', '{ count: 1, kind: KIND_GPU, gpus: [ 1 ], rate_limiter { resources [ { name: "R5", count: 1 } ] priority: 2 } }', 5),
      // Two slow instances on gpu:0 sharing the one R7.
      ...sleepModel('slow_pair', '{ count: 2, kind: KIND_GPU, gpus: [ 0 ], rate_limiter { resources [ { name: "R7", count: 1 } ] } }', 4000),
      // Two models with priorities 1 and 2 and enough R6 for both.
      ...sleepModel('roomy_a', '{ count: 1, kind: KIND_GPU, gpus: [ 0 ], rate_limiter { resources [ { name: "R6", count: 1 } ] priority: 1 } }', 5),
      ...sleepModel('roomy_b', '{ count: 1, kind: KIND_GPU, gpus: [ 0 ], rate_limiter { resources [ { name: "R6", count: 1 } ] priority: 2 } }', 5),
    }),
    executors: [{ device: 'cpu' }, ...range(2).map((id) => ({ device: `gpu:${id}`, simulate: true }))],
    rateLimit: 'execution_count',
    rateLimitResources: ['R1:4:0', 'R3:4:1', 'R2:2', 'R4:2', 'R5:1:1', 'R6:2:0', 'R7:1:0'],
  });
});

afterAll(() => flotilla?.stop());

async function runMany(model: string, count: number): Promise<Run[]> {
  const body = { parameters: { flotilla_execution_info: true }, inputs: [{ name: 'INPUT0', shape: [1], datatype: 'FP32', data: [1] }] };
  const responses = await Promise.all(range(count).map(() => postJson(`${flotilla.url}/v2/models/${model}/infer`, body)));
  return responses.map((response) => {
    expect(response.status).toBe(200);
    return response.json<{ parameters: Run }>().parameters;
  });
}

interface RateLimiterView {
  pools: { allocated: number }[];
  staged: unknown[];
  instances: { model: string; executions: number; handOvers: number; state: string }[];
}

/** Whether the restarted rate limiter answered while the slow run it had to adopt still ran. */
let restartedWhileFirstRan = false;

const rateLimiterView = async () => (await http(`${flotilla.url}/v2/flotilla/rate-limiter`)).json<RateLimiterView>();
const executionsOf = (view: RateLimiterView, model: string) => view.instances.filter((i) => i.model === model).reduce((sum, i) => sum + i.executions, 0);
const handOversOf = (view: RateLimiterView, model: string) => view.instances.filter((i) => i.model === model).reduce((sum, i) => sum + i.handOvers, 0);

/**
 * Keeps two models saturated (several clients each, every one sending again as soon as answered)
 * and returns how many executions each got while at least `executions` ran in all, measured
 * after the queues filled, and how many of those started on a hand-over in the executor.
 */
async function contend(a: string, b: string, executions: number): Promise<[number, number, number]> {
  const body = { inputs: [{ name: 'INPUT0', shape: [1], datatype: 'FP32', data: [1] }] };
  let running = true;
  const client = async (model: string) => {
    while (running) expect((await postJson(`${flotilla.url}/v2/models/${model}/infer`, body)).status).toBe(200);
  };
  const clients = [...range(6).map(() => client(a)), ...range(6).map(() => client(b))];
  await new Promise((resolve) => setTimeout(resolve, 500));
  const before = await rateLimiterView();
  let after = before;
  while (executionsOf(after, a) + executionsOf(after, b) - executionsOf(before, a) - executionsOf(before, b) < executions) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    after = await rateLimiterView();
  }
  running = false;
  await Promise.all(clients);
  const handOvers = handOversOf(after, a) + handOversOf(after, b) - handOversOf(before, a) - handOversOf(before, b);
  return [executionsOf(after, a) - executionsOf(before, a), executionsOf(after, b) - executionsOf(before, b), handOvers];
}


describe('with --rate-limit=execution_count', () => {
  it('never overlaps two instances that each need the whole pool, and uses both', async () => {
    const runs = await runMany('whole_pool', 8);
    expect(maxConcurrent(runs)).toBe(1);
    expect(new Set(runs.map((r) => r.flotilla_instance)).size).toBe(2);
  });

  it('overlaps two instances that each need half of it', async () => {
    expect(maxConcurrent(await runMany('half_pool', 8))).toBe(2);
  });

  it('serialises instances on different devices that need a global resource', async () => {
    const runs = await runMany('global_pair', 8);
    expect(new Set(runs.map((r) => r.flotilla_device))).toEqual(new Set(['gpu:0', 'gpu:1']));
    expect(maxConcurrent(runs)).toBe(1);
  });

  it('runs instances on different devices side by side when the resource is per device', async () => {
    expect(maxConcurrent(await runMany('device_pair', 8))).toBe(2);
  });

  it('gives priority 1 twice the executions of priority 2 when they contend for one resource (checklist 22)', async () => {
    const [first, second, handOvers] = await contend('first_class', 'second_class', 300);
    console.log(`priority 1 against 2 on one R5: ${first} : ${second} executions (${(first / second).toFixed(2)}), ${handOvers} of them started on a hand-over`);
    expect(first / second).toBeGreaterThanOrEqual(1.8);
    expect(first / second).toBeLessThanOrEqual(2.2);
    // Both sit on gpu:1's executor, which hands the resource from one to the next in process: the
    // ratio holds with most executions started so, not only with grants from the rate limiter.
    expect(handOvers).toBeGreaterThan((first + second) / 2);
  });

  it('runs both about equally when the pool holds enough for both, whatever their priorities (checklist 23)', async () => {
    const [a, b] = await contend('roomy_a', 'roomy_b', 300);
    expect(Math.abs(a - b) / Math.max(a, b)).toBeLessThan(0.1);
  });

  it('loses nothing and allocates nothing twice when the rate limiter restarts while an instance holds a resource', async () => {
    const body = { parameters: { flotilla_execution_info: true }, inputs: [{ name: 'INPUT0', shape: [1], datatype: 'FP32', data: [1] }] };
    const infer = () => postJson(`${flotilla.url}/v2/models/slow_pair/infer`, body);
    let firstDone = false;
    const first = infer().finally(() => (firstDone = true));
    await new Promise((resolve) => setTimeout(resolve, 300)); // first now runs, holding R7
    await flotilla.cluster.service('rate-limiter').kill('SIGKILL');
    flotilla.cluster.startService('rate-limiter');
    const second = infer(); // its stage may reach no rate limiter: the scheduler reports it on restart
    // On a loaded machine the new process may come up only after the first run ended; then it
    // never saw that run (the next test counts what it saw).
    while ((await http(`${flotilla.url}/v2/flotilla/rate-limiter`)).status !== 200) await new Promise((resolve) => setTimeout(resolve, 50));
    restartedWhileFirstRan = !firstDone;
    const runs = await Promise.all([first, second]).then((responses) =>
      responses.map((response) => {
        expect(response.status).toBe(200);
        return response.json<{ parameters: Run }>().parameters;
      }),
    );
    expect(runs[1].flotilla_compute_start_ms).toBeGreaterThanOrEqual(runs[0].flotilla_compute_end_ms);
  });

  it('counts every execution and holds nothing once the work is done', async () => {
    const view = await rateLimiterView();
    const executions = (model: string) => executionsOf(view, model);
    // Counted since the rate limiter's restart: the restarted one sees the runs after it — the
    // adopted first run too, when it was still running by then.
    expect(['whole_pool', 'half_pool', 'global_pair', 'device_pair'].map(executions)).toEqual([0, 0, 0, 0]);
    expect(executions('slow_pair')).toBe(restartedWhileFirstRan ? 2 : 1);
    expect(view.pools.every((pool) => pool.allocated === 0)).toBe(true);
    expect(view.staged).toEqual([]);
    expect(view.instances.every((i) => i.state === 'idle')).toBe(true);
  });

  it('runs instances that need no resources without grants, and still counts their executions', async () => {
    const executionsOfSimple = async () => executionsOf(await rateLimiterView(), 'simple');
    const before = await executionsOfSimple();
    for (let i = 0; i < 5; i++) expect((await postJson(`${flotilla.url}/v2/models/simple/infer`, simpleRequest(range(16), range(16)))).status).toBe(200);
    // The releases reach the rate limiter beside the responses, not before them: wait for them.
    let after = await executionsOfSimple();
    for (let tries = 0; after < before + 5 && tries < 50; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      after = await executionsOfSimple();
    }
    expect(after - before).toBe(5);
    const view = await rateLimiterView();
    expect(view.instances.filter((i) => i.model === 'simple').every((i) => i.state === 'idle')).toBe(true);
  });

  it('keeps serving models that need no resources while the rate limiter is down, and the rate-limited ones once it is back', async () => {
    await flotilla.cluster.service('rate-limiter').kill('SIGKILL');
    const limited = postJson(`${flotilla.url}/v2/models/whole_pool/infer`, { inputs: [{ name: 'INPUT0', shape: [1], datatype: 'FP32', data: [1] }] });
    const free = await postJson(`${flotilla.url}/v2/models/simple/infer`, simpleRequest(range(16), range(16)));
    expect(free.status).toBe(200);
    let limitedDone = false;
    void limited.then(() => (limitedDone = true));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(limitedDone).toBe(false); // waits for a grant, within its deadline
    flotilla.cluster.startService('rate-limiter');
    expect((await limited).status).toBe(200);
  });
});
