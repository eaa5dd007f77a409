// Losing NATS under load (issue 13 items 1 and 8): nats-server is killed while 8 clients infer,
// and started again 4 s later — once without rate limiting, and once with every execution waiting
// for a grant of an exclusive resource (the rate limiter's bookkeeping must survive the outage). Every request in flight at the kill is answered at once with a 503
// that says the bus is down, new ones get the same while it is down and /v2/health/ready is red,
// and serving resumes by itself after the restart. The figures (how each in-flight request ended,
// kill → last of them answered, restart → first success) are printed for the issue's note.
import { range, simpleRequest, startFlotilla, type TestFlotilla } from './support/flotilla';
import { sleepModel, testRepository } from './support/repository';

const CLIENTS = 8;
const OUTAGE_MS = 4_000;

interface Case {
  readonly rateLimit: 'off' | 'execution_count';
  readonly model: string;
  readonly body: string;
  /** OUTPUT0 of a correct answer. */
  readonly expected: number[];
}

const a = range(16);
const b = range(16, 100);
const CASES: Case[] = [
  { rateLimit: 'off', model: 'simple', body: JSON.stringify(simpleRequest(a, b)), expected: a.map((x, i) => x + b[i]) },
  {
    rateLimit: 'execution_count',
    model: 'gated',
    body: JSON.stringify({ inputs: [{ name: 'INPUT0', shape: [1], datatype: 'FP32', data: [7] }] }),
    expected: [7],
  },
];

interface Outcome {
  readonly start: number;
  readonly end: number;
  readonly status: number;
  readonly error?: string;
}

/** One inference; a client-side timeout far beyond the bound the test checks makes "hung" visible. */
async function infer(url: string, c: Case): Promise<Outcome> {
  const start = performance.now();
  try {
    const response = await fetch(`${url}/v2/models/${c.model}/infer`, {
      method: 'POST',
      body: c.body,
      headers: { 'Content-Type': 'application/json' },
      signal: AbortSignal.timeout(30_000),
    });
    const reply = (await response.json()) as { error?: string; outputs?: { name: string; data: number[] }[] };
    if (response.status === 200) expect(reply.outputs?.find((o) => o.name === 'OUTPUT0')?.data).toEqual(c.expected);
    return { start, end: performance.now(), status: response.status, error: reply.error };
  } catch (error) {
    return { start, end: performance.now(), status: 0, error: (error as Error).message };
  }
}

async function readyStatus(url: string): Promise<number> {
  return (await fetch(`${url}/v2/health/ready`)).status;
}

describe.each(CASES)('with --rate-limit=$rateLimit', (c) => {
  let flotilla: TestFlotilla;

  beforeAll(async () => {
    flotilla = await startFlotilla({
      name: `nats-loss-${c.rateLimit}`,
      rateLimit: c.rateLimit,
      // Two instances that exclude each other: every execution needs the one R there is.
      modelRepository: testRepository(sleepModel('gated', '{ count: 2, kind: KIND_CPU, rate_limiter { resources [ { name: "R", count: 1 } ] } }', 2)),
    });
  });

  afterAll(() => flotilla?.stop());

  it('answers what is in flight with a 503 when NATS dies, refuses while it is down, and serves again after it returns', async () => {
    const outcomes: Outcome[] = [];
    let running = true;
    const clients = range(CLIENTS).map(async () => {
      while (running) outcomes.push(await infer(flotilla.url, c));
    });

    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const killedAt = performance.now();
    await flotilla.cluster.killNats();
    const inFlight = () => outcomes.filter((o) => o.start < killedAt && o.end >= killedAt);

    await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS / 2));
    const readyWhileDown = await readyStatus(flotilla.url);
    await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS / 2));
    const refusedWhileDown = outcomes.filter((o) => o.start > killedAt + 500 && o.end < performance.now());

    const restartedAt = performance.now();
    await flotilla.cluster.restartNats();
    const listeningAt = performance.now();
    const firstSuccessAfterRestart = () => outcomes.find((o) => o.start >= restartedAt && o.status === 200);
    const deadline = restartedAt + 20_000;
    while (!firstSuccessAfterRestart() && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    // Serve a while longer: the recovery must hold, not flicker.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    running = false;
    await Promise.all(clients);

    const answeredInFlight = inFlight();
    const lastInFlightAnswered = Math.max(...answeredInFlight.map((o) => o.end));
    const firstSuccess = firstSuccessAfterRestart();
    console.log(
      [
        `${c.model}, --rate-limit=${c.rateLimit}: nats-server killed under ${CLIENTS} clients: ${answeredInFlight.length} requests in flight`,
        `  how they ended: ${JSON.stringify(tally(answeredInFlight))}`,
        `  kill → last of them answered: ${(lastInFlightAnswered - killedAt).toFixed(0)} ms`,
        `  requests during the outage: ${refusedWhileDown.length}, ${JSON.stringify(tally(refusedWhileDown))}`,
        `  restart → first success: ${firstSuccess ? `${(firstSuccess.end - restartedAt).toFixed(0)} ms (${(firstSuccess.end - listeningAt).toFixed(0)} ms after nats-server listened)` : 'none'}`,
        `  after recovery: ${JSON.stringify(tally(outcomes.filter((o) => firstSuccess && o.start > firstSuccess.end)))}`,
        `  errors after the restart: ${JSON.stringify([...new Set(outcomes.filter((o) => o.start >= restartedAt && o.error).map((o) => o.error))].slice(0, 5))}`,
      ].join('\n'),
    );

    // Nothing hangs: everything in flight was answered, with its result or with a 503 naming the bus.
    expect(answeredInFlight.length).toBeGreaterThan(0);
    for (const outcome of answeredInFlight) {
      expect([200, 503]).toContain(outcome.status);
      if (outcome.status === 503) expect(outcome.error).toMatch(/NATS/);
    }
    // Answered because the bus went down, not by the 60 s infer deadline: a bound far below it
    // (the figure printed above is what the issue's 1 s is about).
    expect(lastInFlightAnswered - killedAt).toBeLessThan(10_000);
    expect(readyWhileDown).not.toBe(200);
    expect(refusedWhileDown.length).toBeGreaterThan(0);
    expect(new Set(refusedWhileDown.map((o) => o.status))).toEqual(new Set([503]));
    expect(refusedWhileDown[0].error).toMatch(/NATS/);
    // Serving came back by itself, and stayed: every request after the first success succeeded.
    expect(firstSuccess).toBeDefined();
    expect(tally(outcomes.filter((o) => o.start > firstSuccess!.end))).toEqual({ 200: expect.any(Number) });
    expect(await readyStatus(flotilla.url)).toBe(200);
  }, 60_000);
});

function tally(outcomes: readonly Outcome[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const o of outcomes) counts[o.status] = (counts[o.status] ?? 0) + 1;
  return counts;
}
