import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { directly, type CommandWrapper } from './command-wrapper';
import { ownChildProcess } from './owned-processes';

export type AppName = 'gateway' | 'model-repository' | 'scheduler' | 'rate-limiter' | 'executor';

/** The repository root, found from wherever this file runs (dist/ or the TypeScript source). */
export function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json')) || existsSync(join(dir, 'project.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the Flotilla repository root');
    dir = parent;
  }
  return dir;
}

export function appEntry(app: AppName): string {
  const entry = join(repoRoot(), 'dist', 'apps', app, 'src', 'main.js');
  if (!existsSync(entry)) throw new Error(`${entry} is missing: build first with 'npm run build'`);
  return entry;
}

/**
 * One service as a child process, its output prefixed line by line with its name. `exited`
 * settles when it ends, for whatever reason.
 */
export class ServiceProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;

  constructor(
    readonly name: string,
    readonly app: AppName,
    readonly args: readonly string[],
    env: NodeJS.ProcessEnv,
    log: (service: string, line: string) => void,
    /** How to run it: directly, or e.g. inside a network namespace (`CommandWrapper`). */
    readonly wrap: CommandWrapper = directly,
  ) {
    // FLOTILLA_SERVICE_NODE_ARGS passes Node flags that NODE_OPTIONS refuses, e.g. `--cpu-prof`.
    const nodeArgs = (env.FLOTILLA_SERVICE_NODE_ARGS ?? '').split(' ').filter(Boolean);
    // Its own process group, as nats-server's: a terminal's Ctrl-C reaches only the launcher, which
    // stops the services in order with one SIGTERM each (a second signal would mean "now"). If
    // this process dies first, it takes its services with it (ownChildProcess).
    const command = wrap(process.execPath, ['--enable-source-maps', ...nodeArgs, appEntry(app), ...args]);
    this.child = spawn(command.command, command.args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    ownChildProcess(this.child);
    for (const stream of [this.child.stdout, this.child.stderr]) {
      let partial = '';
      stream?.on('data', (chunk: Buffer) => {
        const lines = (partial + chunk.toString()).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) if (line) log(name, line);
      });
    }
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve(code ?? (signal ? null : 0))));
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Sends SIGTERM, then SIGKILL if the service has not stopped within `graceMs`. */
  async stop(graceMs = 5000): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<number | null> {
    this.child.kill(signal);
    return this.exited;
  }
}
