#!/usr/bin/env node
// Idle CPU of a whole Flotilla deployment: starts what `npm start` starts (nats-server plus every
// service process), waits until it is ready and settled, then measures the CPU time of every
// process over a window in which nothing infers, and prints it per process and in total against
// the goal of under 1 % of one core.
//   node dist/tools/perf/src/idle-cpu.js [--seconds 60] [--settle 180] [--simulate-gpus 0]
//     [--schedulers 1] [--threads true] [--model-repository examples/model_repository]     (or: npm run bench:idle --)
//
// Linux only: it reads /proc. It depends on nothing but Node and FlotillaCluster's start,
// waitReady and stop, so the compiled file can be copied into another checkout's
// dist/tools/perf/src/ and run there against that checkout's services.
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { basename, resolve } from 'node:path';
import { FlotillaCluster, freePort } from '@flotilla/local-cluster';

interface IdleOptions {
  readonly modelRepository: string;
  readonly seconds: number;
  readonly settleSeconds: number;
  readonly simulateGpus: number;
  /** How many scheduler processes (each beats to the gateway twice a second). */
  readonly schedulers: number;
  /** Also list each process's busiest threads, to tell JS timers from V8, libuv or Go runtime threads. */
  readonly threads: boolean;
}

/** One thread's schedstat: ns on CPU and how many times it was put on a CPU (wake-ups, roughly). */
interface ThreadSample {
  readonly name: string;
  readonly ns: number;
  readonly runs: number;
}

/** One process's CPU counters at one instant. */
interface ProcessSample {
  readonly pid: number;
  readonly name: string;
  /** Each live thread, by tid. */
  readonly threads: ReadonlyMap<number, ThreadSample>;
  /** utime + stime of the whole process in clock ticks; unlike schedstat, keeps exited threads' time. */
  readonly statTicks: number;
  /** stime alone: time in the kernel on the process's behalf (syscalls, wake-ups), not running JS or Go. */
  readonly sysTicks: number;
}

interface Snapshot {
  readonly atNs: bigint;
  readonly processes: ReadonlyMap<number, ProcessSample>;
  /** Machine-wide busy ticks, to tell how loaded the machine was by others meanwhile. */
  readonly machineBusyTicks: number;
}

interface Row {
  readonly name: string;
  readonly pid: number;
  readonly threads: string;
  readonly schedMs: number;
  readonly statMs: number;
  readonly sysMs: number;
  readonly runsPerS: number;
  readonly note: string;
  /** Threads that ran in the window, busiest first: CPU ms and runs. */
  readonly busyThreads: readonly { readonly label: string; readonly ms: number; readonly runs: number }[];
}

const GOAL_PERCENT_OF_CORE = 1;
const USAGE = 'usage: idle-cpu [--seconds 60] [--settle 180] [--simulate-gpus N] [--schedulers N] [--threads true] [--model-repository DIR]';

async function main(): Promise<void> {
  const options = parseFlags(process.argv.slice(2));
  // Asked before the deployment starts, so this short-lived child is not mistaken for part of it.
  const ticksPerSecond = clockTicksPerSecond();
  const logFile = `${tmpdir()}/flotilla-idle-cpu-${process.pid}.log`;
  let logLinesInWindow = 0;
  let measuring = false;
  console.log(`idle-cpu: ${cpus().length} cores; starting Flotilla on ${options.modelRepository} (simulated GPUs: ${options.simulateGpus}); service logs: ${logFile}`);
  const cluster = await FlotillaCluster.start({
    modelRepository: options.modelRepository,
    // Free ports rather than npm start's 8000/4222, so a deployment already running does not clash;
    // the ports change nothing about idle CPU.
    httpPort: await freePort(),
    natsPort: await freePort(),
    httpAddress: '127.0.0.1',
    schedulers: options.schedulers,
    executors: [{ device: 'cpu' }, ...Array.from({ length: options.simulateGpus }, (_, id) => ({ device: `gpu:${id}`, simulate: true }))],
    log: (service, line) => {
      if (measuring) logLinesInWindow++;
      appendFileSync(logFile, `${service.padEnd(16)} ${line}\n`);
    },
  });
  const stop = onceOnly(() => cluster.stop());
  process.once('SIGINT', () => void stop().then(() => process.exit(130)));
  try {
    await cluster.waitReady(120_000);
    console.log(`idle-cpu: ready; settling ${options.settleSeconds} s, then measuring ${options.seconds} s with nothing inferring…`);
    await sleep(options.settleSeconds * 1000);
    measuring = true;
    const before = snapshot();
    // Between the snapshots, so that reading /proc is not charged to the launcher stand-in.
    const ownBefore = process.cpuUsage();
    await sleep(options.seconds * 1000);
    const own = process.cpuUsage(ownBefore);
    const after = snapshot();
    measuring = false;
    const windowS = Number(after.atNs - before.atNs) / 1e9;
    const rows = compare(before, after, ticksPerSecond, windowS);
    printReport(rows, windowS, (own.user + own.system) / 1000, logLinesInWindow, (after.machineBusyTicks - before.machineBusyTicks) * (1000 / ticksPerSecond), options.threads);
  } finally {
    await stop();
    console.log('idle-cpu: deployment stopped');
  }
}

/** Every process of the deployment: all descendants of this one (nats-server, services, anything they spawn). */
function deploymentPids(): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const ppid = Number(statFields(readOrEmpty(`/proc/${entry}/stat`))[1]);
    if (!ppid) continue;
    children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
  }
  const found: number[] = [];
  const walk = (pid: number) => (children.get(pid) ?? []).forEach((child) => (found.push(child), walk(child)));
  walk(process.pid);
  return found;
}

/** Names a process as the launcher does (`gateway`, `executor:cpu`, …) from its command line. */
function processName(pid: number): string {
  const argv = readOrEmpty(`/proc/${pid}/cmdline`).split('\0').filter(Boolean);
  const app = argv.map((arg) => /apps\/([\w-]+)\/src\/main\.js$/.exec(arg)?.[1]).find(Boolean);
  if (!app) return basename(argv[0] ?? `pid ${pid}`);
  const device = argv[argv.indexOf('--device') + 1];
  return app === 'executor' && argv.includes('--device') ? `executor:${device}` : app;
}

function sampleProcess(pid: number): ProcessSample | undefined {
  const stat = statFields(readOrEmpty(`/proc/${pid}/stat`));
  if (stat.length === 0) return undefined;
  const threads = new Map<number, ThreadSample>();
  for (const tid of readdirOrEmpty(`/proc/${pid}/task`)) {
    // schedstat: ns on CPU, ns waiting for a CPU, times run. Nanoseconds, unlike stat's 10 ms ticks.
    const fields = readOrEmpty(`/proc/${pid}/task/${tid}/schedstat`).trim().split(/\s+/).map(Number);
    if (fields.length < 3) continue; // the thread exited between readdir and read
    threads.set(Number(tid), { name: readOrEmpty(`/proc/${pid}/task/${tid}/comm`).trim(), ns: fields[0], runs: fields[2] });
  }
  // stat fields 14 and 15 (utime, stime) are statFields indexes 11 and 12.
  return { pid, name: processName(pid), threads, statTicks: Number(stat[11]) + Number(stat[12]), sysTicks: Number(stat[12]) };
}

function snapshot(): Snapshot {
  const processes = new Map<number, ProcessSample>();
  for (const pid of deploymentPids()) {
    const sample = sampleProcess(pid);
    if (sample) processes.set(pid, sample);
  }
  return { atNs: process.hrtime.bigint(), processes, machineBusyTicks: machineBusyTicks() };
}

/** One row per process seen at either end; one born inside the window counts from zero. */
function compare(before: Snapshot, after: Snapshot, ticksPerSecond: number, windowS: number): Row[] {
  const pids = [...new Set([...before.processes.keys(), ...after.processes.keys()])];
  return pids.map((pid) => {
    const start = before.processes.get(pid);
    const end = after.processes.get(pid);
    const name = (end ?? start)!.name;
    if (!end) return { name, pid, threads: `${start!.threads.size}→gone`, schedMs: NaN, statMs: NaN, sysMs: NaN, runsPerS: NaN, note: 'exited during the window', busyThreads: [] };
    const busyThreads = [...end.threads].map(([tid, thread]) => {
      const earlier = start?.threads.get(tid);
      // Node leaves its threads unnamed ('node'), so at least tell the main (JS event loop) thread apart.
      return { label: `${tid === pid ? 'main' : thread.name} ${tid}`, ms: (thread.ns - (earlier?.ns ?? 0)) / 1e6, runs: thread.runs - (earlier?.runs ?? 0) };
    });
    const exited = start ? [...start.threads.keys()].filter((tid) => !end.threads.has(tid)).length : 0;
    return {
      name,
      pid,
      threads: `${start?.threads.size ?? 0}→${end.threads.size}`,
      schedMs: busyThreads.reduce((sum, thread) => sum + thread.ms, 0),
      statMs: ((end.statTicks - (start?.statTicks ?? 0)) * 1000) / ticksPerSecond,
      sysMs: ((end.sysTicks - (start?.sysTicks ?? 0)) * 1000) / ticksPerSecond,
      runsPerS: busyThreads.reduce((sum, thread) => sum + thread.runs, 0) / windowS,
      busyThreads: busyThreads.filter((thread) => thread.runs > 0).sort((a, b) => b.ms - a.ms),
      // A thread gone by the end took its in-window schedstat time with it; the stat column still has it.
      note: [start ? '' : 'started during the window', exited ? `${exited} thread(s) exited: trust the stat column` : ''].filter(Boolean).join('; '),
    };
  });
}

function printReport(rows: readonly Row[], windowS: number, ownMs: number, logLines: number, machineBusyMs: number, threads: boolean): void {
  const perS = (ms: number) => ms / windowS;
  const line = (cells: readonly string[]) => console.log(`  ${cells[0].padEnd(18)}${cells.slice(1).map((cell) => cell.padStart(11)).join('')}`);
  const fixed = (value: number, digits: number) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');
  console.log(`\nIdle CPU over ${windowS.toFixed(1)} s, nothing inferring (CPU ms: schedstat, ns on CPU summed over live threads; stat ms: utime+stime in 10 ms ticks, of it sys: stime)`);
  line(['process', 'pid', 'threads', 'CPU ms', 'stat ms', 'of it sys', 'ms CPU/s', '% of core', 'runs/s']);
  for (const row of [...rows].sort((a, b) => (b.schedMs || 0) - (a.schedMs || 0))) {
    line([row.name, String(row.pid), row.threads, fixed(row.schedMs, 1), fixed(row.statMs, 0), fixed(row.sysMs, 0), fixed(perS(row.schedMs), 3), fixed(perS(row.schedMs) / 10, 3), fixed(row.runsPerS, 1)]);
    if (row.note) console.log(`  ${''.padEnd(18)}↳ ${row.note}`);
    if (threads) for (const thread of row.busyThreads) line([`  ${thread.label}`, '', '', thread.ms.toFixed(1), '', '', perS(thread.ms).toFixed(3), (perS(thread.ms) / 10).toFixed(3), (thread.runs / windowS).toFixed(1)]);
  }
  const total = rows.reduce((sum, row) => sum + (row.schedMs || 0), 0);
  const totalStat = rows.reduce((sum, row) => sum + (row.statMs || 0), 0);
  const totalSys = rows.reduce((sum, row) => sum + (row.sysMs || 0), 0);
  const totalRuns = rows.reduce((sum, row) => sum + (row.runsPerS || 0), 0);
  line(['TOTAL', '', '', total.toFixed(1), totalStat.toFixed(0), totalSys.toFixed(0), perS(total).toFixed(3), (perS(total) / 10).toFixed(3), totalRuns.toFixed(1)]);
  const percent = perS(total) / 10;
  console.log(`\n  total: ${perS(total).toFixed(2)} ms of CPU per second = ${percent.toFixed(3)} % of one core — ${percent < GOAL_PERCENT_OF_CORE ? 'UNDER' : 'OVER'} the ${GOAL_PERCENT_OF_CORE} % goal`);
  // Context, not part of the total: this process stands in for the launcher (it receives the log
  // lines), and other people's load on the machine can slow timers' work a little.
  console.log(`  this tool (launcher stand-in, not in the total): ${perS(ownMs).toFixed(3)} ms/s; service log lines in the window: ${logLines}`);
  console.log(`  machine: ${perS(machineBusyMs).toFixed(1)} ms/s busy over all ${cpus().length} cores, ${perS(Math.max(0, machineBusyMs - total - ownMs)).toFixed(1)} ms/s of it outside the deployment`);
}

/** `cpu  user nice system idle iowait irq softirq steal`: everything but idle and iowait is busy. */
function machineBusyTicks(): number {
  const [user, nice, system, , , irq = 0, softirq = 0, steal = 0] = readOrEmpty('/proc/stat').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  return user + nice + system + irq + softirq + steal;
}

/** /proc/<pid>/stat from field 3 (state) on, so field n is index n - 3; the name before may hold spaces and parentheses. */
function statFields(stat: string): string[] {
  const close = stat.lastIndexOf(')');
  return close < 0 ? [] : stat.slice(close + 2).split(' ');
}

/** USER_HZ: 100 on every mainstream Linux, but asked rather than assumed. */
function clockTicksPerSecond(): number {
  const answer = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim());
  return Number.isInteger(answer) && answer > 0 ? answer : 100;
}

/** Processes and threads may exit between listing and reading: treat them as absent. */
function readOrEmpty(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function readdirOrEmpty(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}

function parseFlags(argv: readonly string[]): IdleOptions {
  // 180 s: for the first minutes after start each Node process still runs V8's memory-reducer
  // GCs (~2 ms/s each), which is start-up, not idling; a short settle would count it.
  const values: Record<string, string> = { seconds: '60', settle: '180', 'simulate-gpus': '0', schedulers: '1', 'model-repository': 'examples/model_repository', threads: 'false' };
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i].replace(/^--/, '');
    if (argv[i] === '--help') {
      console.log(USAGE);
      process.exit(0);
    }
    if (!argv[i].startsWith('--') || !(name in values) || argv[i + 1] === undefined) throw new UsageError(`unknown or incomplete flag '${argv[i]}'`);
    values[name] = argv[i + 1];
  }
  const number = (name: string, min: number) => {
    const value = Number(values[name]);
    if (!Number.isFinite(value) || value < min) throw new UsageError(`--${name} must be a number ≥ ${min}, got '${values[name]}'`);
    return value;
  };
  const modelRepository = resolve(values['model-repository']);
  if (!existsSync(modelRepository)) throw new UsageError(`model repository ${modelRepository} does not exist (generate it: npm run models)`);
  return { modelRepository, seconds: number('seconds', 1), settleSeconds: number('settle', 0), simulateGpus: Math.floor(number('simulate-gpus', 0)), schedulers: Math.max(1, Math.floor(number('schedulers', 1))), threads: values.threads === 'true' };
}

class UsageError extends Error {}

function onceOnly(action: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => (running ??= action());
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

main().catch((error: unknown) => {
  console.error(`idle-cpu: ${error instanceof Error ? error.message : String(error)}${error instanceof UsageError ? `\n${USAGE}` : ''}`);
  process.exit(error instanceof UsageError ? 2 : 1);
});
