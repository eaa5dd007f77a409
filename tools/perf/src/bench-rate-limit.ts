#!/usr/bin/env node
// `npm run bench:rate-limit`: what rate limiting costs, with the figures issue 9 asks for.
//  1. `simple` c=1 p50 with `--rate-limit=execution_count` against `off` (two deployments side by
//     side, measured alternately, binary protocol): rate limiting adds a stage and a grant per
//     request; the goal is to add less than one NATS round trip (~0.3 ms here).
//  2. matmul_chain, c=4, in the rate-limited deployment: two instances that each need the whole of
//     one resource (so they run one at a time) against one instance with no resources; the goal is
//     within 5 %: holding resources must not cost throughput beyond the serialisation it asks for.
//  3. The rate limiter's decisions per second in process (goal ≥ 1 M/s on one core).
//   node dist/tools/perf/src/bench-rate-limit.js [--rounds 3]
import { mkdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ProgressLine } from './cli/progress-line';
import { BENCH_DEFAULTS } from './bench/bench-options';
import { createBenchRepository, MATMUL_COUNT1 } from './bench/bench-repository';
import { startFlotilla, type RunningFlotilla } from './bench/flotilla-under-test';
import { machineLine } from './bench/machine-info';
import { measurePoint } from './bench/measure-point';
import { DECISIONS_GOAL_PER_SECOND, measureRateLimiterDecisions } from './bench/rate-limiter-decisions';

const MATMUL_EXCLUSIVE = 'matmul_chain_exclusive';
const ROUND_TRIP_MS = 0.3;

async function main(): Promise<void> {
  const rounds = parseRounds(process.argv.slice(2));
  const started = Date.now();
  console.log(machineLine());
  const repository = createBenchRepository(['simple', 'matmul_chain', MATMUL_COUNT1]);
  addExclusiveMatmul(repository.dir);
  const progress = new ProgressLine();
  let off: RunningFlotilla | undefined;
  let on: RunningFlotilla | undefined;
  try {
    [off, on] = await Promise.all([
      startFlotilla(repository.dir),
      startFlotilla(repository.dir, {}, { rateLimit: 'execution_count', rateLimitResources: ['EXCLUSIVE:1'] }),
    ]);
    const p50 = { off: [] as number[], on: [] as number[] };
    for (let round = 1; round <= rounds; round++) {
      for (const [name, deployment] of [
        ['off', off],
        ['on', on],
      ] as const) {
        const result = await measurePoint({ name, url: deployment.url }, { model: 'simple', protocol: 'binary', concurrency: 1 }, BENCH_DEFAULTS, `simple c=1 rate-limit ${name}`, progress);
        p50[name].push(result.figures.latency.p50Ms);
        console.log(`  round ${round}, --rate-limit=${name === 'on' ? 'execution_count' : 'off'}: simple c=1 p50 ${result.figures.latency.p50Ms.toFixed(3)} ms`);
      }
    }
    const exclusive = await measurePoint({ name: 'on', url: on.url }, { model: MATMUL_EXCLUSIVE, protocol: 'binary', concurrency: 4 }, BENCH_DEFAULTS, 'two exclusive instances', progress);
    const unlimited = await measurePoint({ name: 'on', url: on.url }, { model: MATMUL_COUNT1, protocol: 'binary', concurrency: 4 }, BENCH_DEFAULTS, 'one unlimited instance', progress);
    const decisions = measureRateLimiterDecisions();

    const added = median(p50.on) - median(p50.off);
    const throughputRatio = exclusive.figures.throughput / unlimited.figures.throughput;
    console.log(`\nfinished in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
    console.log(`  ${verdict(added < ROUND_TRIP_MS)} added simple c=1 p50 with rate limiting: ${added.toFixed(3)} ms (median ${median(p50.on).toFixed(3)} on vs ${median(p50.off).toFixed(3)} off; goal < ${ROUND_TRIP_MS} ms, one NATS round trip)`);
    console.log(
      `  ${verdict(Math.abs(1 - throughputRatio) <= 0.05)} two exclusive instances vs one unlimited, matmul_chain c=4: ${exclusive.figures.throughput.toFixed(1)} vs ${unlimited.figures.throughput.toFixed(1)} infer/s = ${throughputRatio.toFixed(3)} (goal within 5 %)`,
    );
    console.log(`  ${verdict(decisions.perSecond >= DECISIONS_GOAL_PER_SECOND)} rate limiter decisions in process: ${Math.round(decisions.perSecond)}/s (goal ≥ ${DECISIONS_GOAL_PER_SECOND}/s on one core)`);
  } finally {
    progress.clear();
    await Promise.allSettled([off?.stop(), on?.stop()]);
    repository.remove();
  }
}

/** matmul_chain with its two instances each needing the one EXCLUSIVE there is: they run one at a time. */
function addExclusiveMatmul(dir: string): void {
  const source = readFileSync(join(dir, 'matmul_chain', 'config.pbtxt'), 'utf8');
  const config = source
    .replace(/^name:\s*"[^"]*"/m, `name: "${MATMUL_EXCLUSIVE}"`)
    .replace(/instance_group\s*\[\s*\{\s*count:\s*2,\s*kind:\s*KIND_CPU\s*\}\s*\]/, 'instance_group [ { count: 2, kind: KIND_CPU, rate_limiter { resources [ { name: "EXCLUSIVE", count: 1 } ] } } ]');
  if (!config.includes('EXCLUSIVE')) throw new Error("cannot derive the exclusive matmul from matmul_chain's config.pbtxt: its instance_group moved on");
  const target = join(dir, MATMUL_EXCLUSIVE);
  mkdirSync(join(target, '1'), { recursive: true });
  writeFileSync(join(target, 'config.pbtxt'), config);
  symlinkSync(realpathSync(join(dir, 'matmul_chain', '1', 'model.onnx')), join(target, '1', 'model.onnx'));
}

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const verdict = (pass: boolean) => (pass ? 'PASS' : 'MISS');

function parseRounds(argv: readonly string[]): number {
  if (argv.length === 0) return 3;
  if (argv[0] === '--rounds' && Number.isInteger(Number(argv[1])) && Number(argv[1]) > 0) return Number(argv[1]);
  throw new Error(`usage: bench-rate-limit [--rounds N]; got '${argv.join(' ')}'`);
}

main().catch((error: unknown) => {
  console.error(`bench:rate-limit: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
  process.exit(1);
});
