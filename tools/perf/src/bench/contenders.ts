// Runs one load point against one contender and reduces it to the figures a scenario is judged on.
import { ProgressLine } from '../cli/progress-line';
import { ms, rate } from '../cli/format';
import type { PerfLevelResult } from '../perf-run';
import { measureInterleaved } from './interleaved-scaling';
import { measurePoint } from './measure-point';
import type { LoadPoint, Metric, Scenario } from './scenarios';

export interface Contender {
  /** `baseline` or `flotilla`. */
  readonly name: string;
  readonly url: string;
  /** host:port of its gRPC API; absent when it speaks only HTTP (the baseline server). */
  readonly grpcAddress?: string;
}

/** Whether the contender speaks every protocol the scenario's points use. */
export function speaks(contender: Contender, scenario: Scenario): boolean {
  return scenario.points.every((point) => point.protocol !== 'grpc' || contender.grpcAddress !== undefined);
}

export interface MeasureSettings {
  readonly windowMs: number;
  readonly stability: number;
  readonly maxWindows: number;
  readonly warmupMs: number;
}

export interface PointResult {
  readonly point: LoadPoint;
  readonly result: PerfLevelResult;
}

export interface ScenarioResult {
  readonly contender: string;
  readonly figure: number;
  readonly points: readonly PointResult[];
}

export async function measureScenario(contender: Contender, scenario: Scenario, settings: MeasureSettings, progress: ProgressLine): Promise<ScenarioResult> {
  if (scenario.metric === 'scaling') return measureInterleaved(contender, scenario, settings, progress);
  const points: PointResult[] = [];
  for (const scenarioPoint of scenario.points) {
    const point = contender.name === 'flotilla' && scenarioPoint.flotillaModel ? { ...scenarioPoint, model: scenarioPoint.flotillaModel } : scenarioPoint;
    const label = `[${contender.name}] ${scenario.id} ${point.model} c=${point.concurrency}`;
    const result = await measurePoint(contender, point, settings, label, progress);
    console.log(`  ${contender.name.padEnd(8)} ${point.model} ${point.protocol} c=${point.concurrency}${point.inputBytes ? ` ${point.inputBytes / 1048576} MiB` : ''}: ${pointSummary(result)}`);
    points.push({ point, result });
  }
  return { contender: contender.name, figure: scenarioFigure(scenario.metric, points.map((p) => p.result)), points };
}

export function scenarioFigure(metric: Metric, results: readonly PerfLevelResult[]): number {
  const [first, second] = results;
  switch (metric) {
    case 'p50_ms':
      return first.figures.latency.p50Ms;
    case 'infer_per_s':
      return first.figures.throughput;
    case 'mb_per_s':
      return first.figures.megabytesPerSecond;
    case 'scaling':
      return second.figures.throughput / first.figures.throughput;
  }
}

function pointSummary(result: PerfLevelResult): string {
  const f = result.figures;
  const stability = `${result.stable ? 'stable' : 'NOT stable'}, ${result.windows.length} windows`;
  const errors = f.errors || result.firstError ? `, errors: ${result.firstError}` : '';
  return `${rate(f.throughput)} infer/s, ${f.megabytesPerSecond.toFixed(1)} MB/s, p50 ${ms(f.latency.p50Ms)} ms, p99 ${ms(f.latency.p99Ms)} ms (${stability}${errors})`;
}
