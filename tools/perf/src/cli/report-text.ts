// The human-readable report of a perf run, in the spirit of perf_analyzer's summary.
import type { PerfLevelResult, PerfRunResult } from '../perf-run';
import type { WindowFigures } from '../stats/window';
import { ms, rate } from './format';

export function reportText(result: PerfRunResult): string {
  const shapes = Object.entries(result.shapes).map(([name, shape]) => `${name}[${shape.join(',')}]`).join(' ');
  const lines = [
    `*** ${result.model} at ${result.url}, ${result.protocol} protocol, ${shapes}, request ${result.requestBytes} bytes (${result.tensorBytes} of tensor data)`,
  ];
  for (const level of result.levels) lines.push(...levelLines(level));
  return lines.join('\n');
}

function levelLines(level: PerfLevelResult): string[] {
  const f = level.figures;
  const name = level.mode === 'concurrency' ? `Concurrency: ${level.level}` : `Request rate: ${level.level}/s`;
  const stability = level.stable ? `stable after ${level.windows.length} windows` : `NOT stable after ${level.windows.length} windows`;
  const lines = [
    `${name}, throughput: ${rate(f.throughput)} infer/sec, ${f.megabytesPerSecond.toFixed(1)} MB/s of input tensors (${stability})`,
    `  latency ms: p50 ${ms(f.latency.p50Ms)}  p90 ${ms(f.latency.p90Ms)}  p99 ${ms(f.latency.p99Ms)}  avg ${ms(f.latency.meanMs)}  max ${ms(f.latency.maxMs)}  (${f.completed} requests)`,
    `  server: ${serverText(level)}`,
  ];
  if (f.errors > 0 || level.firstError) lines.push(`  errors: ${f.errors} in the reported windows; first: ${level.firstError ?? 'unknown'}`);
  return lines;
}

function serverText(level: PerfLevelResult): string {
  const s = level.server;
  if (!s) return 'queue n/a, compute n/a (no statistics extension)';
  return `queue ${ms(s.queueUs / 1000)} ms, compute input ${ms(s.computeInputUs / 1000)} ms, infer ${ms(s.computeInferUs / 1000)} ms, output ${ms(s.computeOutputUs / 1000)} ms (avg of ${s.requests})`;
}

/** One line for the progress display: the window just finished. */
export function windowProgress(label: string, figures: WindowFigures, index: number, maxWindows: number): string {
  return `${label}  window ${index}/${maxWindows}: ${rate(figures.throughput)} infer/s, p50 ${ms(figures.latency.p50Ms)} ms, p99 ${ms(figures.latency.p99Ms)} ms${figures.errors ? `, ${figures.errors} errors` : ''}`;
}
