// `npm start` as Triton starts: --exit-on-error stops at once naming each model that failed and
// why; --exit-on-error=false serves the others, lists the failed ones and still prints its ready
// line; --model-control-mode explicit --load-model serves only the named models until the API loads
// another. Never a silent wait.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '@flotilla/local-cluster';
import { http, postJson, range, simpleRequest } from './support/flotilla';
import { testRepository } from './support/repository';

const launcher = join(__dirname, '..', 'dist', 'tools', 'launcher', 'src', 'main.js');

/** A model whose only group is KIND_GPU: it cannot load on a deployment without GPUs. */
const GPU_ONLY = {
  'gpu_only/config.pbtxt': `name: "gpu_only"
backend: "javascript"
max_batch_size: 0
input [ { name: "INPUT0", data_type: TYPE_FP32, dims: [ 1 ] } ]
output [ { name: "OUTPUT0", data_type: TYPE_FP32, dims: [ 1 ] } ]
instance_group [ { kind: KIND_GPU, count: 1 } ]
`,
  'gpu_only/1/model.js': readFileSync(join(__dirname, '../examples/concurrency_repository/sleep_serial/1/model.js'), 'utf8'),
};

interface Launched {
  readonly child: ChildProcess;
  readonly httpPort: number;
  output(): string;
  readonly exited: Promise<number | null>;
  /** Waits until the output matches or the launcher exits (60 s at most). */
  until(pattern: RegExp): Promise<void>;
}

async function launch(repository: string, flags: string[]): Promise<Launched> {
  const [httpPort, natsPort] = [await freePort(), await freePort()];
  const child = spawn(process.execPath, [launcher, '--model-repository', repository, '--http-port', String(httpPort), '--allow-grpc', 'false', '--allow-metrics', 'false', '--nats-port', String(natsPort), '--quiet', ...flags], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const until = async (pattern: RegExp) => {
    const deadline = Date.now() + 60_000;
    while (!pattern.test(output) && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 100));
  };
  return { child, httpPort, output: () => output, exited, until };
}

it('stops at once when a model fails to load (--exit-on-error defaults to true), naming it and why', async () => {
  const run = await launch(testRepository(GPU_ONLY), []);
  const code = await run.exited;
  expect(code).toBe(1);
  expect(run.output()).toMatch(/a model failed to load; stopping \(--exit-on-error=true/);
  expect(run.output()).toMatch(/model 'gpu_only': .*KIND_GPU/);
  expect(run.output()).not.toContain('Flotilla is ready');
  expect(run.output()).not.toContain('not ready after');
}, 90_000);

it('with --exit-on-error=false serves the others, says which model is unavailable and why, and prints its ready line', async () => {
  const run = await launch(testRepository(GPU_ONLY), ['--exit-on-error', 'false']);
  await run.until(/Flotilla is ready/);
  expect(run.output()).toContain('Flotilla is ready');
  expect(run.output()).toMatch(/unavailable \(--exit-on-error=false serves the others\):\n\s+model 'gpu_only': .*KIND_GPU/);
  expect(run.output()).toMatch(/\(models: [^)]*\bsimple\b[^)]*; \/v2\/health\/ready answers 400 while a model is unavailable/);
  expect(run.output()).not.toMatch(/\(models: [^)]*gpu_only/);
  const base = `http://127.0.0.1:${run.httpPort}`;
  expect((await postJson(`${base}/v2/models/simple/infer`, simpleRequest(range(16), range(16)))).status).toBe(200);
  // --strict-readiness defaults to true: the failed model keeps the server unready.
  expect((await http(`${base}/v2/health/ready`)).status).toBe(400);
  run.child.kill('SIGINT');
  expect(await run.exited).toBe(0);
}, 90_000);

it('with --model-control-mode explicit --load-model simple serves only simple until the API loads another', async () => {
  const run = await launch(testRepository(), ['--model-control-mode', 'explicit', '--load-model', 'simple']);
  await run.until(/Flotilla is ready/);
  expect(run.output()).toMatch(/Flotilla is ready in [\d.]+ s: http:\/\/localhost:\d+ {2}\(models: simple\)/);
  const base = `http://127.0.0.1:${run.httpPort}`;
  const identity = { inputs: [{ name: 'INPUT0', shape: [1, 16], datatype: 'FP32', data: range(16) }] };
  expect((await postJson(`${base}/v2/models/identity_fp32/infer`, identity)).status).toBe(400);
  expect((await http(`${base}/v2/repository/models/identity_fp32/load`, { method: 'POST' })).status).toBe(200);
  expect((await postJson(`${base}/v2/models/identity_fp32/infer`, identity)).status).toBe(200);
  run.child.kill('SIGINT');
  expect(await run.exited).toBe(0);
}, 90_000);

it('refuses a control-mode flag the mode would ignore, naming it', async () => {
  const run = await launch(testRepository(), ['--load-model', 'simple']);
  const code = await run.exited;
  expect(code).not.toBe(0);
  expect(run.output()).toContain('--load-model is only used with --model-control-mode=explicit');
}, 90_000);
