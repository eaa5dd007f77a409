// A stopping or dying scheduler never leaves a request in silence (issue 13 item 2). Stopped with
// SIGTERM, it answers its queue with a 503 before going, and what executors already hold is still
// answered. Killed, the gateway hears its heartbeats stop and answers what it was waiting on with
// a 503 naming the cause — within the heartbeat window, long before the request deadline.
import { postJson, range, startFlotilla, type HttpResult, type TestFlotilla } from './support/flotilla';
import { sleepModel, testRepository } from './support/repository';

/** Far beyond the heartbeat window (3 s): an answer before it was not the deadline's. */
const INFER_TIMEOUT_MS = 30_000;

let flotilla: TestFlotilla;

beforeAll(async () => {
  flotilla = await startFlotilla({
    name: 'scheduler-failure',
    // One instance, 300 ms a request: a burst of requests queues at the scheduler.
    modelRepository: testRepository(sleepModel('slow', '{ count: 1, kind: KIND_CPU }', 300)),
    inferTimeoutMs: INFER_TIMEOUT_MS,
  });
});

afterAll(() => flotilla?.stop());

const infer = (value: number) => postJson(`${flotilla.url}/v2/models/slow/infer`, { inputs: [{ name: 'INPUT0', shape: [1], datatype: 'FP32', data: [value] }] });

interface Answer {
  readonly value: number;
  readonly response: HttpResult;
  readonly at: number;
}

/** `count` requests at once, each with its answer and when it came (ms after sending). */
function burst(count: number): Promise<Answer>[] {
  const sent = Date.now();
  return range(count).map((value) => infer(value).then((response) => ({ value, response, at: Date.now() - sent })));
}

async function serving(): Promise<void> {
  await flotilla.cluster.waitReady(30_000, '/v2/models/slow/ready');
  const answer = await infer(42);
  expect(answer.status).toBe(200);
  expect(answer.json<{ outputs: { data: number[] }[] }>().outputs[0].data).toEqual([42]);
}

it('answers its queue with a 503 when stopped, while what its executor holds still succeeds', async () => {
  const pending = burst(6);
  await Promise.race(pending); // the first answer: the rest are running or queued
  await flotilla.cluster.service('scheduler').stop();

  const answers = await Promise.all(pending);
  const refused = answers.filter(({ response }) => response.status !== 200);
  // One executes and one waits at the executor (prefetch) when the stop comes; the rest queue.
  expect(refused.length).toBeGreaterThan(0);
  for (const { response, at } of refused) {
    expect(response.status).toBe(503);
    expect(response.json<{ error: string }>().error).toMatch(/the scheduler is shutting down/);
    expect(at).toBeLessThan(INFER_TIMEOUT_MS);
  }
  for (const { value, response } of answers.filter(({ response }) => response.status === 200)) {
    expect(response.json<{ outputs: { data: number[] }[] }>().outputs[0].data).toEqual([value]);
  }

  flotilla.cluster.restart('scheduler');
  await serving();
});

it('answers what it was waiting on with a 503 when the scheduler is killed, within the heartbeat window', async () => {
  const pending = burst(6);
  await Promise.race(pending);
  const killedAt = Date.now();
  await flotilla.cluster.service('scheduler').kill('SIGKILL');

  const answers = await Promise.all(pending);
  const refused = answers.filter(({ response }) => response.status !== 200);
  expect(refused.length).toBeGreaterThan(0);
  for (const { response } of refused) {
    expect(response.status).toBe(503);
    expect(response.json<{ error: string }>().error).toMatch(/the scheduler stopped responding/);
  }
  const lastAnswered = Date.now() - killedAt;
  console.log(`scheduler killed with 6 requests sent: ${answers.length - refused.length} answered 200, ${refused.length} 503, the last ${lastAnswered} ms after the kill`);
  expect(lastAnswered).toBeLessThan(INFER_TIMEOUT_MS / 2);

  // Without a scheduler, a new request is refused at once (NATS: nobody listens).
  const refusedNow = await infer(1);
  expect(refusedNow.status).toBe(503);
  expect(refusedNow.json<{ error: string }>().error).toMatch(/no scheduler or executor is listening/);

  flotilla.cluster.restart('scheduler');
  await serving();
});
