// The child processes a launcher starts (services, nats-servers) run in process groups of their
// own, so that a terminal's Ctrl-C reaches only the launcher, which stops them in order. The
// price: if the launcher dies, nothing else stops them, and they linger (a service whose bus is
// gone retries it for ever). So this process kills what it owns when it ends, however it ends:
// on 'exit', and on a terminating signal it does not handle itself — a benchmark killed by
// `timeout` or `kill`, say. A program that does handle the signal (the launcher, `npm run bench`)
// stops them itself, in order, and this stays out of its way.
import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';

/** Each child with the folders that go when it does. */
const owned = new Map<ChildProcess, readonly string[]>();

/** Kills `child` when this process ends, and removes `dirs` when either ends. */
export function ownChildProcess(child: ChildProcess, dirs: readonly string[] = []): void {
  owned.set(child, dirs);
  child.once('exit', () => {
    removeDirs(dirs);
    owned.delete(child);
  });
}

function killOwned(): void {
  for (const [child, dirs] of owned) {
    child.kill('SIGKILL');
    removeDirs(dirs);
  }
  owned.clear();
}

const removeDirs = (dirs: readonly string[]) => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true }));

process.once('exit', killOwned);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    // `once` has removed this listener: any left are the program's own, and it stops them itself.
    if (process.listenerCount(signal) > 0) return;
    killOwned();
    process.kill(process.pid, signal); // no listener now: the signal's default action, as if none had been here
  });
}
