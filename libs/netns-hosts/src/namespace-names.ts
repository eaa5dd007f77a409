import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Namespace names carry the pid of the process that built them, `<prefix>-<pid>-<host>`, so
 * parallel runs never collide and a later run can tell a crashed run's namespaces (dead pid) from
 * a live one's.
 */
export const DEFAULT_PREFIX = 'flotilla';

export function namespaceName(prefix: string, pid: number, host: string): string {
  return `${prefix}-${pid}-${host}`;
}

/** The folder of one run's networks (each network has a numbered folder in it). */
export const runDir = (prefix: string, pid: number) => join(tmpdir(), `${prefix}-hosts-${pid}`);

/** The pid that built a namespace of this prefix; undefined for names that are not ours. */
export function ownerPid(prefix: string, namespace: string): number | undefined {
  const match = new RegExp(`^${escape(prefix)}-(\\d+)-[a-z0-9-]+$`).exec(namespace);
  return match ? Number(match[1]) : undefined;
}

/** Host names become namespace and file names: lower-case letters, digits and dashes only. */
export function checkHostName(host: string): void {
  if (!/^[a-z0-9][a-z0-9-]{0,30}$/.test(host)) throw new Error(`host name '${host}' must be 1-31 lower-case letters, digits or dashes`);
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
