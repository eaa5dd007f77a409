// What the benchmark ran on, printed with every run: figures mean little without it.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';

export interface MachineInfo {
  readonly cores: number;
  readonly cpuModel: string;
  readonly node: string;
  readonly loadAverage: readonly number[];
  /** The commit measured; others commit while benchmarks run, so figures must say which code they are for. */
  readonly commit: string;
}

export function machineInfo(): MachineInfo {
  return { cores: availableParallelism(), cpuModel: cpuModel(), node: process.version, loadAverage: loadavg(), commit: commit() };
}

export function machineLine(info: MachineInfo = machineInfo()): string {
  return `machine: ${info.cores} cores, ${info.cpuModel}, Node ${info.node}, load average ${info.loadAverage.map((l) => l.toFixed(2)).join(' ')}; code ${info.commit}`;
}

function commit(): string {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = git('status', '--porcelain', '--', 'apps', 'libs', 'tools/launcher') !== '';
    return `${git('rev-parse', '--short', 'HEAD')}${dirty ? ' + uncommitted changes' : ''}`;
  } catch {
    return 'unknown commit';
  }
}

function cpuModel(): string {
  try {
    return /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? 'unknown CPU';
  } catch {
    return 'unknown CPU';
  }
}
