// Dynamic batching, priority levels and queue policies end to end (issue 11): judged from each
// request's own execution stamps (`flotilla_execution_info`), which say which batch it ran in,
// how long it queued and when it started.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { http, postJson, range, simpleRequest, startFlotilla, type HttpResult, type TestFlotilla } from './support/flotilla';
import { linkModel, testRepository } from './support/repository';

const SLEEP_MODEL = readFileSync(resolve(__dirname, '../examples/concurrency_repository/sleep_serial/1/model.js'), 'utf8');

/** A javascript model that sleeps `sleepMs` per execution and echoes INPUT0, with the given batching (undefined: none). */
function sleepModel(name: string, maxBatchSize: number, sleepMs: number, batching: string | undefined): Record<string, string> {
  const config = `name: "${name}"
backend: "javascript"
max_batch_size: ${maxBatchSize}
input [ { name: "INPUT0", data_type: TYPE_FP32, dims: [ 1 ] } ]
output [ { name: "OUTPUT0", data_type: TYPE_FP32, dims: [ 1 ] } ]
instance_group [ { count: 1, kind: KIND_CPU } ]
parameters { key: "sleep_ms" value: { string_value: "${sleepMs}" } }
${batching === undefined ? '' : `dynamic_batching { ${batching} }`}
`;
  return { [`${name}/config.pbtxt`]: config, [`${name}/1/model.js`]: SLEEP_MODEL };
}

function simpleBatched(): Record<string, string> {
  const config = readFileSync(join(resolve(__dirname, '../examples/model_repository'), 'simple', 'config.pbtxt'), 'utf8').replace(/^name:\s*"simple"/m, 'name: "simple_batched"');
  return { 'simple_batched/config.pbtxt': `${config}\ndynamic_batching { preferred_batch_size: [ 4 ] max_queue_delay_microseconds: 300000 }\n` };
}

let flotilla: TestFlotilla;

beforeAll(async () => {
  const repository = testRepository({
    ...simpleBatched(),
    ...sleepModel('sleep_batched', 8, 50, 'preferred_batch_size: [ 4 ] max_queue_delay_microseconds: 200000'),
    ...sleepModel('sleep_priority', 0, 150, 'priority_levels: 2 default_priority_level: 2'),
    ...sleepModel('sleep_bounded', 0, 400, 'default_queue_policy { max_queue_size: 1 }'),
    ...sleepModel('sleep_timeout', 0, 400, 'default_queue_policy { timeout_action: REJECT default_timeout_microseconds: 50000 }'),
    ...sleepModel('sleep_plain', 0, 400, undefined),
    ...sleepModel('sleep_delayed', 0, 1000, 'default_queue_policy { timeout_action: DELAY default_timeout_microseconds: 500000 }'),
  });
  linkModel(repository, 'simple', 'simple_batched');
  flotilla = await startFlotilla({ name: 'dynamic-batching', modelRepository: repository });
});

afterAll(() => flotilla?.stop());

interface Stamp {
  flotilla_queue_us: number;
  flotilla_compute_start_ms: number;
  flotilla_batch_requests?: number;
  flotilla_batch_size?: number;
}

const infer = (model: string, body: unknown) => postJson(`${flotilla.url}/v2/models/${model}/infer`, body);
const sleepRequest = (value: number, parameters: Record<string, unknown> = {}) => ({
  parameters: { flotilla_execution_info: true, ...parameters },
  inputs: [{ name: 'INPUT0', shape: [1], datatype: 'FP32', data: [value] }],
});
const batchedSleepRequest = (value: number) => ({ ...sleepRequest(value), inputs: [{ name: 'INPUT0', shape: [1, 1], datatype: 'FP32', data: [value] }] });
const stampOf = (response: HttpResult) => response.json<{ parameters: Stamp }>().parameters;
const pause = (ms: number) => new Promise((done) => setTimeout(done, ms));

describe('the dynamic batcher', () => {
  it('runs requests that wait together as one batch of the preferred size, without waiting out the delay', async () => {
    const responses = await Promise.all(range(4).map((i) => infer('sleep_batched', batchedSleepRequest(i))));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    const stamps = responses.map(stampOf);
    expect(stamps.map((s) => [s.flotilla_batch_requests, s.flotilla_batch_size])).toEqual(range(4).map(() => [4, 4]));
    expect(Math.max(...stamps.map((s) => s.flotilla_queue_us))).toBeLessThan(200_000); // sent at the preferred size, not at the delay
    expect(responses.map((r) => r.json<{ outputs: { data: number[] }[] }>().outputs[0].data)).toEqual([[0], [1], [2], [3]]);
  });

  it('sends a smaller batch once its oldest request has waited max_queue_delay', async () => {
    const responses = await Promise.all(range(2).map((i) => infer('sleep_batched', batchedSleepRequest(i))));
    const stamps = responses.map(stampOf);
    expect(stamps.map((s) => s.flotilla_batch_requests)).toEqual([2, 2]);
    expect(Math.max(...stamps.map((s) => s.flotilla_queue_us))).toBeGreaterThanOrEqual(200_000);
  });

  it('answers batched requests exactly as it answers each alone, bit for bit', async () => {
    const requests = range(8).map((i) => simpleRequest(range(16, i * 3), range(16, 100 - i)));
    const batched = await Promise.all(requests.map((body) => infer('simple_batched', { ...body, parameters: { flotilla_execution_info: true } })));
    const alone: HttpResult[] = [];
    for (const body of requests) alone.push(await infer('simple', body));
    expect(batched.map((r) => r.status)).toEqual(range(8).map(() => 200));
    expect(batched.map((r) => r.json<{ outputs: unknown }>().outputs)).toEqual(alone.map((r) => r.json<{ outputs: unknown }>().outputs));
    expect(batched.map(stampOf).every((s) => (s.flotilla_batch_requests ?? 1) > 1)).toBe(true);
  });

  it('fails a bad request alone when it waited with good ones', async () => {
    const good = range(3).map((i) => infer('simple_batched', simpleRequest(range(16, i), range(16))));
    const bad = infer('simple_batched', { inputs: [{ name: 'INPUT0', shape: [1, 15], datatype: 'FP32', data: range(15) }, { name: 'INPUT1', shape: [1, 16], datatype: 'FP32', data: range(16) }] });
    const [goodResponses, badResponse] = await Promise.all([Promise.all(good), bad]);
    expect(goodResponses.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(badResponse.status).toBe(400);
    expect(badResponse.json<{ error: string }>().error).toMatch(/INPUT0/);
  });
});

describe('priority levels and queue policies', () => {
  it('serves a priority-1 request before default-level requests that were queued first', async () => {
    const blocker = infer('sleep_priority', sleepRequest(0));
    await pause(30);
    const queued = range(3).map((i) => infer('sleep_priority', sleepRequest(i + 1)));
    await pause(30);
    const urgent = infer('sleep_priority', sleepRequest(9, { priority: 1 }));
    const [urgentStamp, ...queuedStamps] = (await Promise.all([urgent, ...queued, blocker])).slice(0, 4).map(stampOf);
    for (const stamp of queuedStamps) expect(urgentStamp.flotilla_compute_start_ms).toBeLessThan(stamp.flotilla_compute_start_ms);
  });

  it('refuses a request at once when its level’s queue is full, with Triton’s text', async () => {
    const blocker = infer('sleep_bounded', sleepRequest(0));
    await pause(30);
    const waiting = infer('sleep_bounded', sleepRequest(1));
    await pause(30);
    const refused = await infer('sleep_bounded', { ...sleepRequest(2), id: 'over-the-top' });
    expect(refused.status).toBe(503);
    expect(refused.json()).toEqual({ error: '[request id: over-the-top] Exceeds maximum queue size' });
    expect((await Promise.all([blocker, waiting])).map((r) => r.status)).toEqual([200, 200]);
  });

  it('validates a request at the gateway, before it could take a queue place', async () => {
    const blocker = infer('sleep_bounded', sleepRequest(0));
    await pause(30);
    const waiting = infer('sleep_bounded', sleepRequest(1)); // the queue is full from here
    await pause(30);
    const malformed = await infer('sleep_bounded', { inputs: [{ name: 'INPUT0', shape: [2], datatype: 'FP32', data: [1, 2] }] });
    expect(malformed.status).toBe(400); // not 503: it never reached the full queue
    expect(malformed.json<{ error: string }>().error).toMatch(/INPUT0/);
    expect((await Promise.all([blocker, waiting])).map((r) => r.status)).toEqual([200, 200]);
  });

  it('rejects a request whose queue timeout passed, with Triton’s text', async () => {
    const blocker = infer('sleep_timeout', sleepRequest(0));
    await pause(30);
    const late = await infer('sleep_timeout', sleepRequest(1));
    expect(late.status).toBe(503);
    expect(late.json()).toEqual({ error: 'Request timeout expired' });
    expect((await blocker).status).toBe(200);
  });

  it('in the default scheduler (no dynamic_batching), fails a request that waited longer than its own timeout', async () => {
    const blocker = infer('sleep_plain', sleepRequest(0));
    await pause(30);
    const hasty = await infer('sleep_plain', sleepRequest(1, { timeout: 50_000 }));
    expect(hasty.status).toBe(503);
    expect(hasty.json()).toEqual({ error: 'Request timeout expired' });
    expect((await blocker).status).toBe(200);
  });

  it('runs a request whose timeout passed under DELAY after the unexpired ones', async () => {
    // The blocker runs 1 s; the first queued request's 0.5 s timeout passes while it runs, the
    // second arrives 0.7 s in and is still within its own when the blocker ends.
    const blocker = infer('sleep_delayed', sleepRequest(0));
    await pause(30);
    const delayed = infer('sleep_delayed', sleepRequest(1));
    await pause(670);
    const fresh = infer('sleep_delayed', sleepRequest(2));
    const [delayedResponse, freshResponse] = await Promise.all([delayed, fresh, blocker]);
    expect([delayedResponse.status, freshResponse.status]).toEqual([200, 200]);
    expect(stampOf(freshResponse).flotilla_compute_start_ms).toBeLessThan(stampOf(delayedResponse).flotilla_compute_start_ms);
  });

  it('refuses an invalid priority or timeout with a 400 that names it', async () => {
    const negative = await infer('sleep_priority', sleepRequest(0, { priority: -1 }));
    expect(negative.status).toBe(400);
    expect(negative.json<{ error: string }>().error).toMatch(/'priority'/);
    const fractional = await infer('sleep_priority', sleepRequest(0, { timeout: 1.5 }));
    expect(fractional.status).toBe(400);
    expect(fractional.json<{ error: string }>().error).toMatch(/'timeout'/);
  });

  it('counts batches in the statistics extension: inferences by batch size, executions by batch', async () => {
    const stats = (await http(`${flotilla.url}/v2/models/sleep_batched/stats`)).json<{ model_stats: { inference_count: number; execution_count: number; batch_stats: { batch_size: number }[] }[] }>();
    const [model] = stats.model_stats;
    expect(model.inference_count).toBe(6); // 4 + 2 from the first two tests
    expect(model.execution_count).toBe(2);
    expect(model.batch_stats.map((b) => b.batch_size)).toEqual([2, 4]);
  });

  it("counts the scheduler's refusals as failures, with Triton's reason REJECTED, in the statistics and /metrics", async () => {
    // One refusal each above: a full queue (sleep_bounded; the malformed request never reached the
    // scheduler and counts nowhere, as a Triton frontend's own refusals), a queue timeout
    // (sleep_timeout), a request's own timeout (sleep_plain).
    const stats = async (model: string) =>
      (await http(`${flotilla.url}/v2/models/${model}/stats`)).json<{ model_stats: { inference_stats: { success: { count: number }; fail: { count: number; ns: number } } }[] }>().model_stats[0].inference_stats;
    const bounded = await stats('sleep_bounded');
    expect([bounded.success.count, bounded.fail.count]).toEqual([4, 1]);
    const timedOut = await stats('sleep_timeout');
    expect(timedOut.fail.count).toBe(1);
    expect(timedOut.fail.ns).toBeGreaterThanOrEqual(50_000_000); // it waited out its 50 ms queue timeout
    const page = (await http(flotilla.metricsUrl!)).body.toString('utf8');
    for (const model of ['sleep_bounded', 'sleep_timeout', 'sleep_plain']) {
      expect(page).toContain(`nv_inference_request_failure{model="${model}",version="1",reason="REJECTED"} 1\n`);
      expect(page).toContain(`nv_inference_request_failure{model="${model}",version="1",reason="OTHER"} 0\n`);
    }
  });
});
