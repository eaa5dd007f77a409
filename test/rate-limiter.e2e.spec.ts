// The rate limiter on the request path (--rate-limit=execution_count), judged from the slots' own
// start/end stamps: an instance runs only while it holds its resources, so instances that need a
// whole pool never overlap, and instances that need half of it do; a global resource serialises
// instances on different devices, a per-device one does not.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { http, postJson, range, startFlotilla, type TestFlotilla } from './support/flotilla';
import { testRepository } from './support/repository';

const SLEEP_MODEL = readFileSync(resolve(__dirname, '../examples/concurrency_repository/sleep_serial/1/model.js'), 'utf8');

function sleepModel(name: string, groups: string): Record<string, string> {
  const config = `name: "${name}"
backend: "javascript"
max_batch_size: 0
input [ { name: "INPUT0", data_type: TYPE_FP32, dims: [ 1 ] } ]
output [ { name: "OUTPUT0", data_type: TYPE_FP32, dims: [ 1 ] } ]
instance_group [ ${groups} ]
parameters { key: "sleep_ms" value: { string_value: "60" } }
`;
  return { [`${name}/config.pbtxt`]: config, [`${name}/1/model.js`]: SLEEP_MODEL };
}

interface Run {
  flotilla_instance: string;
  flotilla_device: string;
  flotilla_compute_start_ms: number;
  flotilla_compute_end_ms: number;
}

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
    }),
    executors: [{ device: 'cpu' }, ...range(2).map((id) => ({ device: `gpu:${id}`, simulate: true }))],
    rateLimit: 'execution_count',
    rateLimitResources: ['R1:4:0', 'R3:4:1', 'R2:2', 'R4:2'],
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

/** The most runs in progress at one instant, from the slots' own start/end stamps. */
function maxConcurrent(runs: Run[]): number {
  const events = runs.flatMap((r) => [
    [r.flotilla_compute_start_ms, 1],
    [r.flotilla_compute_end_ms, -1],
  ]);
  events.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  let current = 0;
  let max = 0;
  for (const [, delta] of events) max = Math.max(max, (current += delta));
  return max;
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

  it('counts every execution and holds nothing once the work is done', async () => {
    const view = (await http(`${flotilla.url}/v2/flotilla/rate-limiter`)).json<{
      pools: { allocated: number }[];
      staged: unknown[];
      instances: { model: string; executions: number; state: string }[];
    }>();
    const executions = (model: string) => view.instances.filter((i) => i.model === model).reduce((sum, i) => sum + i.executions, 0);
    expect(['whole_pool', 'half_pool', 'global_pair', 'device_pair'].map(executions)).toEqual([8, 8, 8, 8]);
    expect(view.pools.every((pool) => pool.allocated === 0)).toBe(true);
    expect(view.staged).toEqual([]);
    expect(view.instances.every((i) => i.state === 'idle')).toBe(true);
  });
});
