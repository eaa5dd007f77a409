import { rmSync } from 'node:fs';
import { deleteNamespace, listNamespaces } from './ip-command';
import { ownerPid, runDir } from './namespace-names';

/**
 * Removes the namespaces (and per-run folders) of this prefix that a run which no longer exists
 * left behind — one that crashed or was killed before its exit handler ran — with whatever still
 * runs in them (a nats-server or a service of that run). Namespaces of live runs are left alone.
 * Returns the names removed.
 */
export function removeStaleNamespaces(prefix: string): string[] {
  const stale = listNamespaces().filter((namespace) => {
    const pid = ownerPid(prefix, namespace);
    return pid !== undefined && pid !== process.pid && !isAlive(pid);
  });
  for (const namespace of stale) deleteNamespace(namespace);
  for (const pid of new Set(stale.map((namespace) => ownerPid(prefix, namespace)))) rmSync(runDir(prefix, pid!), { recursive: true, force: true });
  return stale;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, someone else's.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
