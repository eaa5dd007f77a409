#!/usr/bin/env node
// Decisions per second of the rate limiter's domain object, in-process on one core, against
// issue 9's goal of ≥ 1 M/s. A decision is one release + stage + grants() cycle: the instance that
// has run longest finishes, is restaged at once (every instance always has work), and grants()
// hands the freed resource to whichever staged instance comes next. 8 models × 4 instances on
// 2 GPUs, every instance needing one copy of a global resource of which 8 exist, so 24 of the 32
// instances are always waiting and every grant is contended; priorities alternate 1 and 2.
//   node dist/tools/perf/src/bench/rate-limiter-decisions.js [--seconds 3] [--models 8]
//     [--instances 4] [--scarce 8]
// It measures only the library's bookkeeping: no NATS, no payloads, no clock reads but the loop's.
import { parseRateLimitResources, RateLimiter, type RateLimitedInstance } from '@flotilla/rate-limiting';

/** Issue 9's goal for the domain object's decisions per second, on one core. */
export const DECISIONS_GOAL_PER_SECOND = 1_000_000;
const GOAL_PER_SECOND = DECISIONS_GOAL_PER_SECOND;

export interface DecisionOptions {
  readonly seconds: number;
  readonly models: number;
  readonly instances: number;
  readonly scarce: number;
}

function parseFlags(argv: readonly string[]): DecisionOptions {
  const values: Record<string, number> = { seconds: 3, models: 8, instances: 4, scarce: 8 };
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i].replace(/^--/, '');
    const value = Number(argv[i + 1]);
    if (!argv[i].startsWith('--') || !(name in values) || !Number.isFinite(value) || value < 1) throw new Error(`unknown or invalid flag '${argv[i]} ${argv[i + 1] ?? ''}'`);
    values[name] = value;
  }
  return values as unknown as DecisionOptions;
}

function setUp(options: DecisionOptions): { limiter: RateLimiter; running: string[] } {
  const limiter = new RateLimiter({ explicitResources: parseRateLimitResources([`SCARCE:${options.scarce}`]) });
  const ids: string[] = [];
  for (let m = 0; m < options.models; m++) {
    const instances: RateLimitedInstance[] = [];
    for (let c = 0; c < options.instances; c++) {
      const id = `model${m}_${c}`;
      ids.push(id);
      instances.push({ id, model: `model${m}`, version: 1, device: `gpu:${c % 2}`, resources: [{ name: 'SCARCE', global: true, count: 1 }], priority: 1 + (m % 2) });
    }
    limiter.register(instances);
  }
  for (const id of ids) limiter.stage(id);
  return { limiter, running: limiter.grants() };
}

/** Runs decisions in batches until `seconds` have passed; returns how many and how long. */
function measure(options: DecisionOptions, seconds: number): { decisions: number; elapsedMs: number } {
  const { limiter, running } = setUp(options);
  // A ring over the running instances, oldest first: no array shifting on the hot path.
  const ring = new Array<string>(options.models * options.instances);
  let head = 0;
  let size = 0;
  for (const id of running) ring[(head + size++) % ring.length] = id;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  let decisions = 0;
  let now = started;
  while (now < deadline) {
    for (let i = 0; i < 10_000; i++) {
      const id = ring[head];
      head = (head + 1) % ring.length;
      size--;
      limiter.release(id);
      limiter.stage(id);
      for (const granted of limiter.grants()) ring[(head + size++) % ring.length] = granted;
    }
    decisions += 10_000;
    now = performance.now();
  }
  return { decisions, elapsedMs: now - started };
}

/** Decisions per second after a warm-up (so V8 has optimised the hot path before it is timed). */
export function measureRateLimiterDecisions(options: DecisionOptions = { seconds: 3, models: 8, instances: 4, scarce: 8 }): { decisions: number; elapsedMs: number; perSecond: number } {
  measure(options, 0.5);
  const { decisions, elapsedMs } = measure(options, options.seconds);
  return { decisions, elapsedMs, perSecond: decisions / (elapsedMs / 1000) };
}

function main(): void {
  const options = parseFlags(process.argv.slice(2));
  const { decisions, elapsedMs, perSecond } = measureRateLimiterDecisions(options);
  console.log(
    `rate limiter, ${options.models} models × ${options.instances} instances, ${options.scarce} copies of one global resource, ${decisions} decisions in ${(elapsedMs / 1000).toFixed(2)} s`,
  );
  console.log(`  decisions/s ${Math.round(perSecond)}  ratio ${(perSecond / GOAL_PER_SECOND).toFixed(2)} (goal ≥ ${GOAL_PER_SECOND} decisions/s)`);
}

if (require.main === module) {
  try {
    main();
  } catch (error: unknown) {
    console.error(`rate-limiter-decisions: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
