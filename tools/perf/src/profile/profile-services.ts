#!/usr/bin/env node
// Profiles the request path: starts Flotilla (and the baseline server, for contrast) with the
// CPU-profile preload, applies load, profiles exactly the measured seconds, and prints each
// process's top self-time functions and areas.
//   node dist/tools/perf/src/profile/profile-services.js [--model simple] [--input-bytes N] [--seconds 10]
//     [--concurrency 16] [--protocol binary|json|grpc] [--out /tmp/flotilla-prof]
// With --protocol grpc only Flotilla is profiled: the baseline server speaks HTTP alone.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BaselineServerProcess } from '../baseline-server/baseline-server-process';
import { createBenchRepository } from '../bench/bench-repository';
import { startFlotilla } from '../bench/flotilla-under-test';
import { machineLine } from '../bench/machine-info';
import { runPerf } from '../perf-run';
import type { WireProtocol } from '../request/infer-request-body';
import { summariseCpuProfile, type CpuProfile } from './summarise-cpuprofile';

interface ProfileOptions {
  readonly model: string;
  readonly inputBytes?: number;
  readonly seconds: number;
  readonly concurrency: number;
  readonly protocol: WireProtocol;
  readonly out: string;
}

async function main(): Promise<void> {
  const options = parseFlags(process.argv.slice(2));
  console.log(machineLine());
  rmSync(options.out, { recursive: true, force: true });
  mkdirSync(options.out, { recursive: true });
  const env = { NODE_OPTIONS: `--require ${join(__dirname, 'cpu-profile-preload.js')}`, FLOTILLA_CPU_PROFILE_DIR: options.out };
  const repository = createBenchRepository([options.model]);
  try {
    if (options.protocol !== 'grpc') {
      const baseline = await BaselineServerProcess.start(repository.dir, { env });
      try {
        await profileUnderLoad('baseline server', baseline.url, new Map([['baseline-server', baseline.child.pid ?? -1]]), options);
      } finally {
        await baseline.stop();
      }
    }
    const flotilla = await startFlotilla(repository.dir, env);
    try {
      await profileUnderLoad('Flotilla', options.protocol === 'grpc' ? flotilla.grpcAddress : flotilla.url, flotilla.pids, options);
    } finally {
      await flotilla.stop();
    }
  } finally {
    repository.remove();
  }
  for (const file of readdirSync(options.out).filter((f) => f.endsWith('.cpuprofile')).sort()) printSummary(join(options.out, file));
}

/** Warm up, signal every process to start profiling, load for the measured seconds, signal to stop. */
async function profileUnderLoad(name: string, url: string, pids: ReadonlyMap<string, number>, options: ProfileOptions): Promise<void> {
  const load = (seconds: number) =>
    runPerf({ url, model: options.model, ...(options.inputBytes ? { inputBytes: options.inputBytes } : {}), protocol: options.protocol, mode: 'concurrency', levels: [options.concurrency], windowMs: seconds * 1000, stability: 0.99, maxWindows: 2, warmupMs: 0, requestTimeoutMs: 20_000 });
  await load(1);
  const expected = [...pids.values()].filter((pid) => pid > 0);
  expected.forEach((pid) => process.kill(pid, 'SIGUSR2'));
  const run = await load(options.seconds / 2);
  expected.forEach((pid) => process.kill(pid, 'SIGUSR2'));
  const f = run.levels[0].figures;
  console.log(`${name}: ${options.model} ${options.protocol} c=${options.concurrency} while profiling: ${f.throughput.toFixed(0)} infer/s, p50 ${f.latency.p50Ms.toFixed(3)} ms`);
  await waitForProfiles(options.out, expected);
}

async function waitForProfiles(dir: string, pids: readonly number[], timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const missing = () => pids.filter((pid) => !readdirSync(dir).some((file) => file.endsWith(`-${pid}.cpuprofile`)));
  while (missing().length > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  if (missing().length > 0) console.warn(`no profile from pid(s) ${missing().join(', ')} after ${timeoutMs} ms`);
}

function printSummary(file: string): void {
  if (!existsSync(file)) return;
  const summary = summariseCpuProfile(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, 12);
  const seconds = (us: number) => (us / 1e6).toFixed(2);
  console.log(`\n== ${file.split('/').pop()}: ${seconds(summary.totalUs)} s sampled, busy ${seconds(summary.busyUs)} s (${((100 * summary.busyUs) / summary.totalUs).toFixed(0)} %)`);
  console.log('  by area (% of busy):');
  for (const area of summary.areas) console.log(`    ${area.percent.toFixed(1).padStart(5)} %  ${area.label}`);
  console.log('  top self time (% of busy):');
  for (const fn of summary.functions) console.log(`    ${fn.percent.toFixed(1).padStart(5)} %  ${fn.label}`);
}

function parseFlags(argv: readonly string[]): ProfileOptions {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 2) flags.set(argv[i].replace(/^--/, ''), argv[i + 1] ?? '');
  const protocol = flags.get('protocol') ?? 'binary';
  if (protocol !== 'json' && protocol !== 'binary' && protocol !== 'grpc') throw new Error(`--protocol must be json, binary or grpc`);
  const inputBytes = flags.get('input-bytes');
  return {
    model: flags.get('model') ?? 'simple',
    ...(inputBytes ? { inputBytes: Number(inputBytes) } : {}),
    seconds: Number(flags.get('seconds') ?? 10),
    concurrency: Number(flags.get('concurrency') ?? 16),
    protocol,
    out: flags.get('out') ?? join(tmpdir(), 'flotilla-prof'),
  };
}

main().catch((error: unknown) => {
  console.error(`profile: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
  process.exit(1);
});
