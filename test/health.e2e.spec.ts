// Every service answers its health probe on NATS (flotilla.health.<service>), and the gateway's
// /v2/health/ready turns red — saying why — when a service the request path needs is gone.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { natsCredentialOptions } from '@flotilla/transport';
import { http, startFlotilla, type TestFlotilla } from './support/flotilla';
import { testRepository } from './support/repository';

const SERVICES = ['gateway', 'model-repository', 'scheduler', 'rate-limiter', 'executor'];

interface Health {
  service: string;
  instance: string;
  live: boolean;
  ready: boolean;
  reasons: string[];
}
interface HealthReport {
  ready: boolean;
  reasons: string[];
  services: Record<string, Health[]>;
}

let flotilla: TestFlotilla;
let nats: NatsConnection;

beforeAll(async () => {
  flotilla = await startFlotilla({ name: 'health', modelRepository: testRepository() });
  // As the health probe is: the deployment's `probe` identity may ask every service's health.
  nats = await connect({ servers: flotilla.cluster.natsUrl, inboxPrefix: '_INBOX.probe', ...natsCredentialOptions(flotilla.cluster.busCredentials('probe')) });
});

afterAll(async () => {
  await nats?.close();
  await flotilla?.stop();
});

/** The command an orchestrator runs as an exec probe. */
function probe(service: string, ...flags: string[]): { status: number | null; output: string } {
  const main = resolve(__dirname, '../dist/tools/health-probe/src/main.js');
  const run = spawnSync(process.execPath, [main, '--service', service, ...flotilla.cluster.busFlags('probe'), ...flags], { encoding: 'utf8', timeout: 30_000 });
  return { status: run.status, output: run.stdout + run.stderr };
}

const report = async () => (await http(`${flotilla.url}/v2/flotilla/health`)).json<HealthReport>();

/** Polls /v2/health/ready until it answers `status`; returns that answer's reason header. */
async function readyUntil(status: number): Promise<string> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const answer = await http(`${flotilla.url}/v2/health/ready`);
    if (answer.status === status) return answer.headers.get('flotilla-not-ready') ?? '';
    if (Date.now() > deadline) throw new Error(`/v2/health/ready stayed ${answer.status}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

it.each(SERVICES)('%s answers its NATS health probe: live and ready', async (service) => {
  const reply = await nats.request(`flotilla.health.${service}`, new Uint8Array(0), { timeout: 5_000 });
  const envelope = reply.json<{ ok: boolean; value: Health }>();
  expect(envelope).toMatchObject({ ok: true, value: { service, live: true, ready: true, reasons: [] } });
});

it.each(SERVICES)('%s passes the exec probe (tools/health-probe) for liveness and readiness', (service) => {
  const ready = probe(service, '--ready');
  expect(ready.status).toBe(0);
  expect(ready.output).toMatch(new RegExp(`^${service} .*: live and ready`));
});

it('lists every instance of every service on GET /v2/flotilla/health, with the server ready', async () => {
  const health = await report();
  expect(health).toMatchObject({ ready: true, reasons: [] });
  for (const service of SERVICES) expect(health.services[service].map((h) => h.live)).toEqual([true]);
  expect(health.services.executor[0].instance).toMatch(/^cpu-/); // an executor is named by its id
});

it('is not ready, naming the model, while its only executor is gone; ready again once one is back', async () => {
  await flotilla.cluster.service('executor:cpu').kill('SIGKILL');
  const reason = await readyUntil(400);
  expect(reason).toMatch(/model '\w+' version 1 has no instance that can execute/);
  const health = await report();
  expect(health.ready).toBe(false);
  expect(health.services.executor).toEqual([]);
  expect(health.reasons.join('\n')).toMatch(/has no instance that can execute/);

  flotilla.cluster.startExecutor({ device: 'cpu' });
  expect(await readyUntil(200)).toBe('');
});

it('is not ready, naming the scheduler, while no scheduler runs, and says so in its log', async () => {
  await flotilla.cluster.service('scheduler').kill('SIGKILL');
  const reason = await readyUntil(400);
  expect(reason).toMatch(/the scheduler does not answer/);
  const health = await report();
  expect(health.services.scheduler).toEqual([]);
  expect(health.services.gateway[0]).toMatchObject({ live: true, ready: false });
  expect(readFileSync(flotilla.logFile, 'utf8')).toMatch(/not ready: the scheduler does not answer/);
  const dead = probe('scheduler');
  expect(dead.status).toBe(1);
  expect(dead.output).toMatch(/no instance answers flotilla.health.scheduler/);
  const gateway = probe('gateway', '--ready');
  expect(gateway.status).toBe(1); // alive, but not ready without a scheduler
  expect(gateway.output).toMatch(/live, not ready: the scheduler does not answer/);

  flotilla.cluster.startService('scheduler');
  expect(await readyUntil(200)).toBe('');
});
