// A program that starts Flotilla's processes (a benchmark, a test, the launcher) and then dies of
// a signal it does not handle takes them with it, folders included; one that handles the signal
// stops them itself, and is left to do so.
import { spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const natsServerModule = join(__dirname, '..', 'dist', 'libs', 'local-cluster', 'src', 'nats-server.js');

const until = async (condition: () => boolean, timeoutMs = 5_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  return condition();
};

/** A node program that starts a nats-server, prints its pid and config folder, and waits. */
function programWithNatsServer(handlesSigterm: boolean) {
  const script = `
    const { startNatsServer } = require(${JSON.stringify(natsServerModule)});
    const { freePort } = require(${JSON.stringify(natsServerModule.replace('nats-server.js', 'free-port.js'))});
    ${handlesSigterm ? "process.on('SIGTERM', () => console.log('my own SIGTERM handler'));" : ''}
    (async () => {
      const nats = await startNatsServer(await freePort(), () => undefined);
      console.log(JSON.stringify({ pid: nats.child.pid, args: require('node:fs').readFileSync('/proc/' + nats.child.pid + '/cmdline', 'utf8').split('\\0') }));
      setInterval(() => undefined, 1000);
    })();`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
  const started = (async () => {
    await until(() => output.includes('"pid"'), 20_000);
    const { pid, args } = JSON.parse(output.split('\n').find((line) => line.includes('"pid"'))!) as { pid: number; args: string[] };
    return { pid, configDir: join(args[args.indexOf('-c') + 1], '..') };
  })();
  return { child, exited, started, output: () => output };
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

it('a program killed by a signal it does not handle takes its nats-server and folders with it', async () => {
  const program = programWithNatsServer(false);
  const { pid, configDir } = await program.started;
  expect(alive(pid)).toBe(true);
  expect(existsSync(configDir)).toBe(true);

  try {
    program.child.kill('SIGTERM');
    expect(await program.exited).toBe('SIGTERM'); // it still dies of the signal, as it would have
    expect(await until(() => !alive(pid))).toBe(true);
    expect(existsSync(configDir)).toBe(false);
  } finally {
    if (alive(pid)) process.kill(pid, 'SIGKILL'); // only when the test fails
    rmSync(configDir, { recursive: true, force: true });
  }
});

it('a program that handles the signal itself keeps its processes (stopping them is its job), and loses them to one it does not handle', async () => {
  const program = programWithNatsServer(true);
  const { pid, configDir } = await program.started;
  try {
    program.child.kill('SIGTERM');
    expect(await until(() => program.output().includes('my own SIGTERM handler'))).toBe(true);
    expect(program.child.exitCode).toBeNull();
    expect(alive(pid)).toBe(true);
  } finally {
    // It handles SIGTERM only: SIGINT ends it the default way, and what it owned goes with it.
    program.child.kill('SIGINT');
    expect(await program.exited).toBe('SIGINT');
    expect(await until(() => !alive(pid))).toBe(true);
    expect(existsSync(configDir)).toBe(false);
  }
});
