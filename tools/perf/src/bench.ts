#!/usr/bin/env node
// `npm run bench`: Flotilla against its baselines, same models, same run, same machine.
//   (a) in-process onnxruntime-node (floors), (b) the single-process baseline server,
//   (c) Flotilla, every service its own process, over NATS.
// Then what rate limiting costs (bench/rate-limiting-costs.ts; `--only rate_limit` for that alone)
// and what dynamic batching buys matmul_chain (bench/batching-gains.ts; `--only matmul_dynamic`),
// and what tracing every request costs (bench/tracing-costs.ts; `--only trace_rate`),
// and what Prometheus metrics cost (bench/metrics-costs.ts; `--only metrics`).
// Ends with one `ratio <scenario> <flotilla> <baseline> <ratio>` line per scenario. Targets that
// are missed are reported as MISS; nothing here fails a build.
import { writeFileSync } from 'node:fs';
import { ProgressLine } from './cli/progress-line';
import { BaselineServerProcess } from './baseline-server/baseline-server-process';
import { parseBenchOptions } from './bench/bench-options';
import { createBenchRepository } from './bench/bench-repository';
import { cpuSnapshot, foreignCores } from './bench/foreign-load';
import { measureScenario, speaks, type Contender, type ScenarioResult } from './bench/contenders';
import { countMessages, messagesLine, type MessageCounts } from './bench/messages-per-request';
import { floorLines, measureFloors } from './bench/floors';
import { DECISIONS_GOAL_PER_SECOND, measureRateLimiterDecisions } from './bench/rate-limiter-decisions';
import { batchingLines, measureBatchingGains, type BatchingGains } from './bench/batching-gains';
import { measureMetricsCosts, metricsCostLines, type MetricsCosts } from './bench/metrics-costs';
import { measureRateLimitingCosts, rateLimitingVerdicts, type RateLimitingCosts } from './bench/rate-limiting-costs';
import { startFlotilla, type RunningFlotilla } from './bench/flotilla-under-test';
import { measureTracingCosts, tracingLines, type TracingCosts } from './bench/tracing-costs';
import { machineInfo, machineLine } from './bench/machine-info';
import { SCENARIOS, type Scenario } from './bench/scenarios';
import { judge, ratioLine, verdictLine, type Judgement } from './bench/targets';

async function main(): Promise<void> {
  const options = parseBenchOptions(process.argv.slice(2));
  const scenarios = SCENARIOS.filter((s) => options.only.length === 0 || options.only.some((part) => s.id.includes(part)));
  const started = Date.now();
  const cpuAtStart = cpuSnapshot();
  console.log(machineLine());
  console.log(`settings: window ${options.windowMs} ms, stability ${options.stability * 100} %, at most ${options.maxWindows} windows, warm-up ${options.warmupMs} ms`);

  const repository = createBenchRepository();
  let baseline: BaselineServerProcess | undefined;
  let flotilla: RunningFlotilla | undefined;
  let cleaned = false;
  const cleanup = async () => {
    if (cleaned) return;
    cleaned = true;
    await Promise.allSettled([baseline?.stop(), flotilla?.stop()]);
    repository.remove();
  };
  process.once('SIGINT', () => void cleanup().finally(() => process.exit(130)));

  try {
    console.log('\n(a) in-process onnxruntime-node floors');
    const floors = await measureFloors(repository);
    floorLines(floors).forEach((line) => console.log(line));
    // The rate limiter's domain object alone: 8 models × 4 instances contending for 8 copies of one resource.
    const decisions = measureRateLimiterDecisions();
    console.log(`  rate limiter decisions (release + stage + grant), in process, one core: ${Math.round(decisions.perSecond)}/s`);

    console.log('\nstarting (b) the baseline server and (c) Flotilla…');
    baseline = await BaselineServerProcess.start(repository.dir);
    flotilla = await startFlotilla(repository.dir);
    const contenders: Contender[] = [
      { name: 'baseline', url: baseline.url },
      { name: 'flotilla', url: flotilla.url, grpcAddress: flotilla.grpcAddress },
    ];

    const progress = new ProgressLine();
    const judgements: Judgement[] = [];
    const messageCounts: { scenario: string; counts: MessageCounts }[] = [];
    const results: Record<string, ScenarioResult[]> = {};
    for (const [index, scenario] of scenarios.entries()) {
      console.log(`\n${scenario.id}`);
      // Alternate who goes first: load from other processes drifts, and should not always favour one side.
      const order = (index % 2 === 0 ? contenders : [...contenders].reverse()).filter((contender) => speaks(contender, scenario));
      const measured: ScenarioResult[] = [];
      for (const contender of order) {
        if (contender.name !== 'flotilla' || !COUNTED_SCENARIOS.includes(scenario.id)) {
          measured.push(await measureScenario(contender, scenario, options, progress));
          continue;
        }
        const point = scenario.points[0];
        const { result, counts } = await countMessages(flotilla.natsMonitorUrl, flotilla.url, point.flotillaModel ?? point.model, () => measureScenario(contender, scenario, options, progress));
        measured.push(result);
        messageCounts.push({ scenario: scenario.id, counts });
      }
      results[scenario.id] = measured;
      const figureOf = (name: string) => measured.find((r) => r.contender === name)?.figure;
      // The baseline server speaks only HTTP: a gRPC scenario is judged against its binary HTTP figure.
      const baselineFigure = figureOf('baseline') ?? (scenario.baselineFrom ? results[scenario.baselineFrom]?.find((r) => r.contender === 'baseline')?.figure : undefined);
      if (figureOf('baseline') === undefined) console.log(`  baseline (HTTP only) judged by its ${scenario.baselineFrom ?? 'missing'} figure: ${baselineFigure ?? 'n/a'}`);
      judgements.push(judge(scenario, figureOf('flotilla') ?? Number.NaN, baselineFigure ?? Number.NaN));
    }

    // Stop the servers first: their CPU time counts as ours only once they have exited.
    await cleanup();
    let rateLimiting: RateLimitingCosts | undefined;
    if (options.only.length === 0 || options.only.some((part) => 'rate_limit'.includes(part))) {
      console.log('\nrate limiting: --rate-limit=off and =execution_count side by side');
      rateLimiting = await measureRateLimitingCosts(options, progress);
    }
    let batching: BatchingGains | undefined;
    if (options.only.length === 0 || options.only.some((part) => 'matmul_dynamic'.includes(part))) {
      console.log('\ndynamic batching: matmul_chain with and without dynamic_batching {}');
      batching = await measureBatchingGains(options, progress);
    }
    let tracing: TracingCosts | undefined;
    if (options.only.length === 0 || options.only.some((part) => 'trace_rate'.includes(part))) {
      console.log('\ntracing: off and trace_rate=1 (every request traced, exported over OTLP) side by side');
      tracing = await measureTracingCosts(options, progress);
    }
    let metrics: MetricsCosts | undefined;
    if (options.only.length === 0 || options.only.some((part) => 'metrics'.includes(part))) {
      console.log('\nmetrics: --allow-metrics=false and a deployment scraped every second, side by side');
      metrics = await measureMetricsCosts(options, progress);
    }
    const cpuAtEnd = cpuSnapshot();
    const foreign = cpuAtStart && cpuAtEnd ? `${foreignCores(cpuAtStart, cpuAtEnd).toFixed(2)} cores` : 'unknown';
    console.log(`\n${machineLine()}`);
    console.log(`finished in ${((Date.now() - started) / 1000).toFixed(0)} s; other processes kept ${foreign} busy on average meanwhile; Flotilla service logs: ${flotilla.logFile}`);
    console.log('\ntargets (Flotilla against the single-process baseline server):');
    judgements.forEach((j) => console.log(`  ${verdictLine(j)}`));
    console.log(`  INFO matmul scaling floor (2 worker threads / 1 thread, in process): ${floors.matmulScaling.toFixed(2)}x`);
    const decisionsVerdict = decisions.perSecond >= DECISIONS_GOAL_PER_SECOND ? 'PASS' : 'MISS';
    console.log(`  ${decisionsVerdict} rate_limiter_decisions_per_s ${Math.round(decisions.perSecond)}/s  (≥ ${DECISIONS_GOAL_PER_SECOND}/s in process, on one core)`);
    if (rateLimiting) rateLimitingVerdicts(rateLimiting).forEach((line) => console.log(`  ${line}`));
    if (batching) batchingLines(batching).forEach((line) => console.log(`  ${line}`));
    if (tracing) tracingLines(tracing).forEach((line) => console.log(`  ${line}`));
    if (metrics) metricsCostLines(metrics).forEach((line) => console.log(`  ${line}`));
    messageCounts.forEach(({ scenario, counts }) => console.log(`  ${messagesLine(scenario, counts)}`));
    scalingThroughputLines(scenarios, results).forEach((line) => console.log(`  ${line}`));
    protocolLines(scenarios, results).forEach((line) => console.log(`  ${line}`));
    console.log('');
    judgements.forEach((j) => console.log(ratioLine(j)));

    if (options.jsonOut) {
      writeFileSync(options.jsonOut, JSON.stringify({ machine: machineInfo(), foreignLoad: foreign, options, floors, results, judgements, rateLimiting, batching, tracing, metrics, messageCounts }, null, 2));
    }
  } finally {
    await cleanup();
  }
}

/** Scenarios whose NATS messages per request are counted (Flotilla's side): one request at a time, 32 at once, and batched. */
const COUNTED_SCENARIOS = ['simple_c1_binary_p50_ms', 'simple_c32_binary_infer_per_s', 'simple_dynamic_c32_binary_infer_per_s'];

/**
 * A scaling ratio divides by the contender's own count-1 throughput, so a contender whose single
 * instance is the more efficient scores the lower ratio for the same count-2 throughput: print
 * both throughputs side by side too.
 */
function scalingThroughputLines(scenarios: readonly Scenario[], results: Record<string, ScenarioResult[]>): string[] {
  return scenarios
    .filter((scenario) => scenario.metric === 'scaling' && results[scenario.id])
    .flatMap((scenario) => {
      const of = (name: string, point: number) => results[scenario.id].find((r) => r.contender === name)!.points[point].result.figures.throughput;
      return scenario.points.map((point, index) => {
        const [flotilla, baseline] = [of('flotilla', index), of('baseline', index)];
        return `INFO ${point.model} c=${point.concurrency}: Flotilla ${flotilla.toFixed(1)} infer/s, baseline ${baseline.toFixed(1)} (${(flotilla / baseline).toFixed(2)}x)`;
      });
    });
}

/** Flotilla over gRPC beside Flotilla over binary HTTP, for each gRPC scenario. */
function protocolLines(scenarios: readonly Scenario[], results: Record<string, ScenarioResult[]>): string[] {
  const flotillaFigure = (id: string | undefined) => (id ? results[id]?.find((r) => r.contender === 'flotilla')?.figure : undefined);
  return scenarios.flatMap((scenario) => {
    const grpc = flotillaFigure(scenario.id);
    const http = flotillaFigure(scenario.baselineFrom);
    if (!scenario.baselineFrom || grpc === undefined || http === undefined) return [];
    const unit = scenario.metric === 'p50_ms' ? 'ms p50' : 'infer/s';
    return [`INFO Flotilla ${scenario.id}: gRPC ${grpc.toFixed(3)} ${unit}, binary HTTP ${http.toFixed(3)} ${unit} (${(grpc / http).toFixed(2)}x)`];
  });
}

main().catch((error: unknown) => {
  console.error(`bench: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
  process.exit(1);
});
