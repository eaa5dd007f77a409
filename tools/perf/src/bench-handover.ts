#!/usr/bin/env node
// The hand-over between two instances that take turns on one resource, from the slots' own
// stamps: two `matmul_chain` instances that each need the one EXCLUSIVE
// (`--rate-limit=execution_count --rate-limit-resource EXCLUSIVE:1`) under 4 clients, every
// execution's compute start and end as `flotilla_execution_info` returns them. The gap is from one
// execution's end to the next one's start — the release reaching the rate limiter, its grant
// reaching the other slot (with parking; before it, through the scheduler and a dispatch), and
// the slot's own work around the model. The throughput ratio in `npm run bench:rate-limit` is
// what these gaps cost; this says where it goes. The same figures for one unlimited instance
// (`matmul_chain_count1`, its next payload prefetched) come second, measured in the same
// deployment right after: the gap between its executions, and how long its executions take when
// nothing separates them. Each also says how much CPU every process of the deployment spent per
// execution (and this process, the clients), and how many NATS messages a request cost (counted by
// nats-server): on a small machine the rate limiter's messages cost CPU that the executions then
// compete for. Prints figures; asserts nothing.
//   node dist/tools/perf/src/bench-handover.js [--seconds 6] [--bus-security false]
import { createBenchRepository, MATMUL_COUNT1, MATMUL_EXCLUSIVE } from './bench/bench-repository';
import { startFlotilla } from './bench/flotilla-under-test';
import { machineLine } from './bench/machine-info';
import { countMessages, messagesLine } from './bench/messages-per-request';
import { cpuMsByProcess } from './stats/process-cpu';

interface ExecutionInfo {
  readonly flotilla_instance: string;
  readonly flotilla_compute_start_ms: number;
  readonly flotilla_compute_end_ms: number;
}

const CLIENTS = 4;
const WARM_UP_MS = 2_000;

async function main(): Promise<void> {
  const { seconds, busSecurity } = parseArgs(process.argv.slice(2));
  console.log(machineLine());
  const repository = createBenchRepository(['matmul_chain', MATMUL_COUNT1, MATMUL_EXCLUSIVE]);
  const flotilla = await startFlotilla(repository.dir, {}, { rateLimit: 'execution_count', rateLimitResources: ['EXCLUSIVE:1'], busSecurity });
  try {
    for (const [model, label] of [
      [MATMUL_EXCLUSIVE, 'two instances taking turns on EXCLUSIVE'],
      [MATMUL_COUNT1, 'one unlimited instance'],
    ] as const) {
      console.log(`${label} (${model}):`);
      const { result, counts } = await countMessages(flotilla.natsMonitorUrl, flotilla.url, model, () => executionsOf(flotilla.url, model, seconds, flotilla.pids));
      report(result, seconds);
      console.log(`  ${messagesLine(model, counts)}`);
    }
  } finally {
    await flotilla.stop();
    repository.remove();
  }
}

/** Every execution of `model` in `seconds` under CLIENTS clients, after a warm-up, as the slots stamped them. */
async function executionsOf(url: string, model: string, seconds: number, pids: ReadonlyMap<string, number>): Promise<ExecutionInfo[]> {
  const input = Array.from({ length: 1024 }, (_, i) => (i % 7) / 7);
  const body = JSON.stringify({ parameters: { flotilla_execution_info: true }, inputs: [{ name: 'INPUT0', shape: [1, 1024], datatype: 'FP32', data: input }] });
  let runs: ExecutionInfo[] = [];
  let running = true;
  const client = async () => {
    while (running) {
      const response = await fetch(`${url}/v2/models/${model}/infer`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
      const answer = (await response.json()) as { parameters?: ExecutionInfo };
      if (answer.parameters) runs.push(answer.parameters);
    }
  };
  const clients = Array.from({ length: CLIENTS }, client);
  await sleep(WARM_UP_MS);
  runs = [];
  const [before, ownBefore] = [cpuMsByProcess(pids), process.cpuUsage()];
  await sleep(seconds * 1000);
  const [after, own, executions] = [cpuMsByProcess(pids), process.cpuUsage(ownBefore), runs.length];
  running = false;
  await Promise.all(clients);
  const perExecution = [...after].map(([name, ms]) => `${name} ${((ms - before.get(name)!) / executions).toFixed(2)}`);
  console.log(`  CPU ms per execution: ${perExecution.join(', ')}, clients ${((own.user + own.system) / 1000 / executions).toFixed(2)}`);
  return runs;
}

function report(runs: ExecutionInfo[], seconds: number): void {
  runs.sort((a, b) => a.flotilla_compute_start_ms - b.flotilla_compute_start_ms);
  const executions = runs.map((run) => run.flotilla_compute_end_ms - run.flotilla_compute_start_ms);
  const gaps = runs.slice(1).map((run, i) => run.flotilla_compute_start_ms - runs[i].flotilla_compute_end_ms);
  const overlaps = gaps.filter((gap) => gap < 0).length;
  const sameInstance = runs.slice(1).filter((run, i) => run.flotilla_instance === runs[i].flotilla_instance).length;
  console.log(`  ${runs.length} executions in ${seconds} s (${(runs.length / seconds).toFixed(1)}/s), ${CLIENTS} clients`);
  console.log(`  execution: median ${quantile(executions, 0.5).toFixed(2)} ms`);
  console.log(`  gap between executions: median ${quantile(gaps, 0.5).toFixed(2)} ms, p90 ${quantile(gaps, 0.9).toFixed(2)} ms, p99 ${quantile(gaps, 0.99).toFixed(2)} ms`);
  console.log(`  overlapping executions: ${overlaps} (0 where the resource is exclusive); same instance twice in a row: ${sameInstance}`);
}

function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))];
}

function parseArgs(argv: readonly string[]): { seconds: number; busSecurity: boolean } {
  let seconds = 6;
  let busSecurity = true;
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (flag === '--seconds' && Number(value) > 0) seconds = Number(value);
    else if (flag === '--bus-security' && (value === 'true' || value === 'false')) busSecurity = value === 'true';
    else throw new Error(`usage: bench-handover [--seconds N] [--bus-security true|false]; got '${argv.join(' ')}'`);
  }
  return { seconds, busSecurity };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

main().catch((error: unknown) => {
  console.error(`bench-handover: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
