// `npm start -- --model-repository DIR --http-port N --grpc-port M`: the launcher serves another
// repository on other ports, prints one ready line, and Ctrl-C stops every process it started.
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';
import { freePort } from '@flotilla/local-cluster';
import { postJson, range, simpleRequest } from './support/flotilla';
import { testRepository } from './support/repository';

const launcher = join(__dirname, '..', 'dist', 'tools', 'launcher', 'src', 'main.js');

const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

it('serves another repository on other ports, then stops everything on SIGINT', async () => {
  const [httpPort, grpcPort, natsPort, metricsPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const flags = ['--model-repository', testRepository(), '--http-port', String(httpPort), '--grpc-port', String(grpcPort), '--nats-port', String(natsPort), '--metrics-port', String(metricsPort), '--quiet'];
  const child = spawn(process.execPath, [launcher, ...flags], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));

  const deadline = Date.now() + 60_000;
  while (!output.includes('Flotilla is ready') && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 100));
  expect(output).toContain(`Flotilla is ready`);
  expect(output).toContain(`http://localhost:${httpPort}, gRPC localhost:${grpcPort}, metrics http://localhost:${metricsPort}/metrics`);
  expect(await listening(grpcPort)).toBe(true);
  expect((await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).status).toBe(200);

  const response = await postJson(`http://127.0.0.1:${httpPort}/v2/models/simple/infer`, simpleRequest(range(16), range(16)));
  expect(response.status).toBe(200);

  child.kill('SIGINT');
  expect(await exited).toBe(0);
  expect(output).toContain('flotilla: stopped');
  expect(await listening(httpPort)).toBe(false);
  expect(await listening(grpcPort)).toBe(false);
  expect(await listening(natsPort)).toBe(false);
  expect(await listening(metricsPort)).toBe(false);
});

it('refuses an unknown flag with the list of known ones', async () => {
  const child = spawn(process.execPath, [launcher, '--no-such-flag', '1'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => (output += chunk));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  expect(code).toBe(2);
  expect(output).toContain("unknown flag '--no-such-flag'");
  expect(output).toContain('--model-repository');
});

it('restarts a service that dies, saying so with its exit code, and serves again', async () => {
  const [httpPort, natsPort] = [await freePort(), await freePort()];
  const flags = ['--model-repository', testRepository(), '--http-port', String(httpPort), '--allow-grpc', 'false', '--allow-metrics', 'false', '--nats-port', String(natsPort)];
  const child = spawn(process.execPath, [launcher, ...flags], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const waitFor = async (done: () => boolean | Promise<boolean>) => {
    const deadline = Date.now() + 60_000;
    while (!(await done()) && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 100));
  };
  await waitFor(() => output.includes('Flotilla is ready'));
  const pid = Number(/scheduler\s.*ready \(pid (\d+)\)/.exec(output)?.[1]);
  expect(pid).toBeGreaterThan(0);

  process.kill(pid, 'SIGKILL');
  await waitFor(() => output.includes('flotilla: scheduler exited unexpectedly'));
  expect(output).toMatch(/flotilla: scheduler exited unexpectedly \(code null\); restarting it in 250 ms/);
  const serves = async () => (await postJson(`http://127.0.0.1:${httpPort}/v2/models/simple/infer`, simpleRequest(range(16), range(16))).catch(() => ({ status: 0 }))).status === 200;
  // The restarted scheduler says it is ready after the launcher said it would restart it.
  await waitFor(async () => /scheduler\s.*ready \(pid \d+\)/.test(output.slice(output.indexOf('restarting it'))) && (await serves()));
  expect(output.slice(output.indexOf('restarting it'))).toMatch(/scheduler\s.*ready \(pid \d+\)/);
  expect(await serves()).toBe(true);

  child.kill('SIGINT');
  expect(await exited).toBe(0);
}, 120_000);
