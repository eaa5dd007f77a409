// How much CPU other people's processes took while the benchmark ran. The load average cannot
// tell (the benchmark itself keeps both cores busy), but the kernel's totals can: machine-wide busy
// time minus this process's own time and that of its children (the servers it started, reaped by
// the time we read). Linux only; undefined elsewhere.
import { readFileSync } from 'node:fs';

/** Linux reports /proc times in USER_HZ ticks, 100 per second on every mainstream architecture. */
const TICKS_PER_SECOND = 100;

export interface CpuSnapshot {
  readonly atMs: number;
  /** Machine-wide non-idle CPU seconds since boot. */
  readonly machineBusyS: number;
  /** This process plus its reaped children, CPU seconds. */
  readonly ownS: number;
}

export function cpuSnapshot(): CpuSnapshot | undefined {
  try {
    return { atMs: Date.now(), machineBusyS: machineBusySeconds(readFileSync('/proc/stat', 'utf8')), ownS: ownSeconds(readFileSync('/proc/self/stat', 'utf8')) };
  } catch {
    return undefined;
  }
}

/** `cpu  user nice system idle iowait irq softirq steal ...`: everything but idle and iowait is busy. */
export function machineBusySeconds(procStat: string): number {
  const fields = procStat.split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, , , irq = 0, softirq = 0, steal = 0] = fields;
  return (user + nice + system + irq + softirq + steal) / TICKS_PER_SECOND;
}

/** utime, stime, cutime, cstime are fields 14–17; the command name (field 2) may hold spaces. */
export function ownSeconds(selfStat: string): number {
  const afterName = selfStat.slice(selfStat.lastIndexOf(')') + 2).split(' ');
  // afterName[0] is field 3 (state), so field n is afterName[n - 3].
  const [utime, stime, cutime, cstime] = [14, 15, 16, 17].map((field) => Number(afterName[field - 3]));
  return (utime + stime + cutime + cstime) / TICKS_PER_SECOND;
}

/** Average number of cores other processes kept busy between two snapshots. */
export function foreignCores(before: CpuSnapshot, after: CpuSnapshot): number {
  const seconds = (after.atMs - before.atMs) / 1000;
  if (seconds <= 0) return 0;
  return Math.max(0, after.machineBusyS - before.machineBusyS - (after.ownS - before.ownS)) / seconds;
}
