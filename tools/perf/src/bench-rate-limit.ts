#!/usr/bin/env node
// `npm run bench:rate-limit`: only the rate limiting part of `npm run bench` (see
// bench/rate-limiting-costs.ts), plus the rate limiter's decisions per second in process.
//   node dist/tools/perf/src/bench-rate-limit.js [--rounds 3]
// --rounds sets the rounds of the c=1 latency figures; the throughput ratio always takes
// PAIR_ROUNDS interleaved rounds (its median of ratios needs them).
import { ProgressLine } from './cli/progress-line';
import { BENCH_DEFAULTS } from './bench/bench-options';
import { machineLine } from './bench/machine-info';
import { DECISIONS_GOAL_PER_SECOND, measureRateLimiterDecisions } from './bench/rate-limiter-decisions';
import { measureRateLimitingCosts, rateLimitingVerdicts } from './bench/rate-limiting-costs';

async function main(): Promise<void> {
  const rounds = parseRounds(process.argv.slice(2));
  const started = Date.now();
  console.log(machineLine());
  const costs = await measureRateLimitingCosts(BENCH_DEFAULTS, new ProgressLine(), rounds);
  const decisions = measureRateLimiterDecisions();
  console.log(`\nfinished in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  for (const line of rateLimitingVerdicts(costs)) console.log(`  ${line}`);
  console.log(`  ${decisions.perSecond >= DECISIONS_GOAL_PER_SECOND ? 'PASS' : 'MISS'} rate_limiter_decisions_per_s ${Math.round(decisions.perSecond)}/s  (≥ ${DECISIONS_GOAL_PER_SECOND}/s in process, on one core)`);
}

function parseRounds(argv: readonly string[]): number {
  if (argv.length === 0) return 3;
  if (argv[0] === '--rounds' && Number.isInteger(Number(argv[1])) && Number(argv[1]) > 0) return Number(argv[1]);
  throw new Error(`usage: bench-rate-limit [--rounds N]; got '${argv.join(' ')}'`);
}

main().catch((error: unknown) => {
  console.error(`bench:rate-limit: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
  process.exit(1);
});
