import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU time a process has used so far, in milliseconds: the sum of its threads' time on a CPU
 * from /proc/<pid>/task/<tid>/schedstat (nanoseconds, unlike /proc/<pid>/stat's 10 ms ticks).
 * Threads that ended are not counted, so compare samples of long-lived processes only. 0 where
 * /proc is not there (not Linux) or the process is gone.
 */
export function processCpuMs(pid: number): number {
  let ns = 0;
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return 0;
  }
  for (const tid of tids) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return ns / 1e6;
}

/** `processCpuMs` of each named process. */
export function cpuMsByProcess(pids: ReadonlyMap<string, number>): Map<string, number> {
  return new Map([...pids].map(([name, pid]) => [name, processCpuMs(pid)]));
}
