// The targets Flotilla is held to against the single-process baseline server, and the verdicts.
// A MISS is reported, never thrown: benchmarks inform, tests enforce.
import type { Scenario } from './scenarios';

export type Verdict = 'PASS' | 'MISS' | 'INFO';

export interface Judgement {
  readonly scenario: string;
  readonly flotilla: number;
  readonly baseline: number;
  /** flotilla / baseline, whatever the metric (for latency, lower is better). */
  readonly ratio: number;
  readonly target: string;
  readonly verdict: Verdict;
}

/** Scenario id prefix → how to judge it. Scenarios with no rule are reported as INFO. */
const RULES: readonly { readonly prefix: string; readonly target: string; readonly pass: (flotilla: number, baseline: number, ratio: number) => boolean }[] = [
  { prefix: 'simple_c1_', target: 'p50 ≤ 2.5× baseline', pass: (_f, _b, ratio) => ratio <= 2.5 },
  { prefix: 'simple_c32_', target: 'throughput ≥ 0.6× baseline', pass: (_f, _b, ratio) => ratio >= 0.6 },
  { prefix: 'simple_dynamic_c32_', target: 'batched throughput ≥ 1.0× baseline unbatched', pass: (_f, _b, ratio) => ratio >= 1.0 },
  {
    prefix: 'matmul_c4_count2_over_count1',
    target: 'count2/count1 ≥ 1.8× and ≥ baseline scaling − 5 %',
    pass: (flotilla, baseline) => flotilla >= 1.8 && flotilla >= baseline * 0.95,
  },
  { prefix: 'identity_4MiB_', target: 'MB/s ≥ 0.5× baseline', pass: (_f, _b, ratio) => ratio >= 0.5 },
];

export function judge(scenario: Pick<Scenario, 'id'>, flotilla: number, baseline: number): Judgement {
  const ratio = baseline > 0 && Number.isFinite(baseline) ? flotilla / baseline : Number.NaN;
  const rule = RULES.find((candidate) => scenario.id.startsWith(candidate.prefix));
  if (!rule) return { scenario: scenario.id, flotilla, baseline, ratio, target: 'no target (reported for context)', verdict: 'INFO' };
  const measured = Number.isFinite(flotilla) && Number.isFinite(ratio);
  return { scenario: scenario.id, flotilla, baseline, ratio, target: rule.target, verdict: measured && rule.pass(flotilla, baseline, ratio) ? 'PASS' : 'MISS' };
}

/** `ratio <scenario> <flotilla figure> <baseline figure> <ratio>`: the machine-readable last lines. */
export function ratioLine(j: Judgement): string {
  return `ratio ${j.scenario} ${figure(j.flotilla)} ${figure(j.baseline)} ${Number.isFinite(j.ratio) ? j.ratio.toFixed(3) : 'n/a'}`;
}

export function verdictLine(j: Judgement): string {
  return `${j.verdict.padEnd(4)} ${j.scenario.padEnd(34)} ${Number.isFinite(j.ratio) ? `${j.ratio.toFixed(2)}x` : 'n/a'}  (${j.target})`;
}

function figure(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  return value >= 100 ? value.toFixed(1) : value.toFixed(3);
}
