// Starts the baseline server as a child process and waits until it listens; for the benchmarks.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const LISTENING = /baseline-server listening on (\d+)/;

export class BaselineServerProcess {
  private constructor(
    readonly child: ChildProcess,
    readonly url: string,
  ) {}

  static start(modelRepository: string, options: { models?: readonly string[]; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<BaselineServerProcess> {
    const script = join(__dirname, 'main.js');
    const args = [script, '--model-repository', modelRepository, '--port', '0', ...(options.models ? ['--models', options.models.join(',')] : [])];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env } });
    return new Promise((resolve, reject) => {
      let output = '';
      const timer = setTimeout(() => fail(new Error(`baseline server did not start within ${options.timeoutMs ?? 30_000} ms: ${output}`)), options.timeoutMs ?? 30_000);
      const fail = (error: Error) => {
        clearTimeout(timer);
        child.kill('SIGKILL');
        reject(error);
      };
      const onExit = (code: number | null) => fail(new Error(`baseline server exited with code ${code} while starting: ${output}`));
      const onOutput = (chunk: Buffer) => {
        output += chunk.toString();
        const match = LISTENING.exec(output);
        if (!match) return;
        clearTimeout(timer);
        child.off('exit', onExit);
        // Keep draining its output (a full pipe would block the server), but stop keeping it.
        child.stdout?.off('data', onOutput);
        child.stdout?.resume();
        output = '';
        resolve(new BaselineServerProcess(child, `http://127.0.0.1:${match[1]}`));
      };
      child.stdout?.on('data', onOutput);
      child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(`baseline-server: ${chunk.toString()}`));
      child.once('exit', onExit);
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}
