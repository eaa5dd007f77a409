import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Where iproute2 puts `ip`; a non-root PATH may lack /usr/sbin. */
const CANDIDATES = ['/usr/sbin/ip', '/sbin/ip', '/usr/bin/ip', '/bin/ip'];

/** Why this machine cannot build hosts out of network namespaces, for a test to fail with. */
export class NamespacesUnavailableError extends Error {
  constructor(reason: string) {
    super(
      `cannot build hosts out of network namespaces: ${reason}. ` +
        "The multi-host test needs root and iproute2's 'ip' (apt-get install iproute2; npm test's bootstrap installs it when run as root)",
    );
    this.name = 'NamespacesUnavailableError';
  }
}

export function findIp(): string {
  const found = CANDIDATES.find((path) => existsSync(path));
  if (!found) throw new NamespacesUnavailableError("iproute2's 'ip' is not installed");
  return found;
}

/** Throws NamespacesUnavailableError when this process cannot create network namespaces. */
export function requireNamespaceSupport(): string {
  if (process.getuid?.() !== 0) throw new NamespacesUnavailableError(`this process is not root (uid ${process.getuid?.()})`);
  return findIp();
}

/** Runs `ip <args>` and returns its output; a failure throws with the command and ip's own words. */
export function ip(args: readonly string[]): string {
  const result = spawnSync(findIp(), args, { encoding: 'utf8' });
  if (result.error) throw new Error(`ip ${args.join(' ')}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`ip ${args.join(' ')} failed (exit ${result.status}): ${result.stderr.trim()}`);
  return result.stdout;
}

/** The network namespaces that exist now, by name. */
export function listNamespaces(): string[] {
  // `ip netns list` prints "name" or "name (id: N)" per line.
  return ip(['netns', 'list'])
    .split('\n')
    .map((line) => line.trim().split(' ')[0])
    .filter(Boolean);
}

/** Kills what runs in a namespace, then deletes it; quiet when it is already gone. */
export function deleteNamespace(namespace: string): void {
  const ipPath = findIp();
  const pids = spawnSync(ipPath, ['netns', 'pids', namespace], { encoding: 'utf8' });
  for (const pid of (pids.stdout ?? '').split('\n').map(Number).filter((pid) => pid > 0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  spawnSync(ipPath, ['netns', 'delete', namespace], { stdio: 'ignore' });
}
