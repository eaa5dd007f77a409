// The `scaling` scenario measured in alternating rounds: count 1, count 2, count 1, count 2, …
// rather than one then the other. On a shared VM the machine's speed drifts by 10–20 % over tens
// of seconds (the in-process floor alone swings 1.76–2.03× between runs); measured back to back,
// that drift lands wholly on one side of the ratio. Interleaved, each round's count 2 is compared
// with the count 1 measured just before it, and the figure is the median of the rounds' ratios, so
// a burst of load from a neighbour that hits one window moves one round, not the result. The
// pooled ratio is printed beside it. Baseline and Flotilla are measured alike.
import type { ProgressLine } from '../cli/progress-line';
import type { PerfLevelResult } from '../perf-run';
import type { Contender, MeasureSettings, PointResult, ScenarioResult } from './contenders';
import { measurePoint } from './measure-point';
import type { LoadPoint, Scenario } from './scenarios';

export const SCALING_ROUNDS = 7;
/** After switching models, the pipeline (client, queues, prefetch) refills before counting. */
const SWITCH_WARMUP_MS = 500;
/** Each round is exactly two windows: stability is judged over the rounds, not within one. */
const ALWAYS_STABLE = Number.MAX_VALUE;

/** The settings of one point of an interleaved round: two windows, a short warm-up after the first round. */
export function roundSettings(settings: MeasureSettings, round: number): MeasureSettings {
  return { windowMs: settings.windowMs, stability: ALWAYS_STABLE, maxWindows: 2, warmupMs: round === 1 ? settings.warmupMs : SWITCH_WARMUP_MS };
}

export async function measureInterleaved(contender: Contender, scenario: Scenario, settings: MeasureSettings, progress: ProgressLine): Promise<ScenarioResult> {
  const rounds = scenario.points.map(() => [] as PerfLevelResult[]);
  for (let round = 1; round <= SCALING_ROUNDS; round++) {
    for (const [index, point] of scenario.points.entries()) {
      const label = `[${contender.name}] ${scenario.id} round ${round}/${SCALING_ROUNDS} ${point.model} c=${point.concurrency}`;
      rounds[index].push(await measurePoint(contender, point, roundSettings(settings, round), label, progress));
    }
  }
  const points: PointResult[] = scenario.points.map((point, index) => ({ point, result: pooled(rounds[index]) }));
  for (const [index, { point, result }] of points.entries()) {
    const perRound = rounds[index].map((r) => r.figures.throughput.toFixed(1)).join(', ');
    console.log(`  ${contender.name.padEnd(8)} ${describe(point)}: ${result.figures.throughput.toFixed(1)} infer/s pooled over ${SCALING_ROUNDS} rounds (${perRound})`);
  }
  const roundRatios = rounds[1].map((r, i) => r.figures.throughput / rounds[0][i].figures.throughput);
  const [first, second] = points.map((p) => p.result.figures.throughput);
  console.log(`  ${contender.name.padEnd(8)} scaling per round: ${roundRatios.map((r) => r.toFixed(2)).join(', ')}; median ${median(roundRatios).toFixed(3)}, pooled ${(second / first).toFixed(3)}`);
  return { contender: contender.name, figure: median(roundRatios), points };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** The rounds of one load point as one result: throughput over all of them, latency of the last. */
export function pooled(rounds: readonly PerfLevelResult[]): PerfLevelResult {
  const last = rounds[rounds.length - 1];
  const completed = rounds.reduce((sum, r) => sum + r.figures.completed, 0);
  const errors = rounds.reduce((sum, r) => sum + r.figures.errors, 0);
  const durationMs = rounds.reduce((sum, r) => sum + r.figures.durationMs, 0);
  const megabytes = rounds.reduce((sum, r) => sum + r.figures.megabytesPerSecond * (r.figures.durationMs / 1000), 0);
  return {
    ...last,
    figures: { ...last.figures, completed, errors, durationMs, throughput: completed / (durationMs / 1000), megabytesPerSecond: megabytes / (durationMs / 1000) },
    windows: rounds.flatMap((r) => r.windows),
    stable: rounds.every((r) => r.figures.errors === 0),
  };
}

const describe = (point: LoadPoint) => `${point.model} ${point.protocol} c=${point.concurrency}`;
