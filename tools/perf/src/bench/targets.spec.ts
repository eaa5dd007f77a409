import { judge, ratioLine } from './targets';

describe('judge', () => {
  it('holds c=1 latency to 2.5× the baseline (lower is better)', () => {
    expect(judge({ id: 'simple_c1_json_p50_ms' }, 1.2, 0.5).verdict).toBe('PASS');
    expect(judge({ id: 'simple_c1_binary_p50_ms' }, 1.3, 0.5).verdict).toBe('MISS');
  });

  it('holds c=32 throughput to 0.6× the baseline', () => {
    expect(judge({ id: 'simple_c32_binary_infer_per_s' }, 2100, 3500).verdict).toBe('PASS');
    expect(judge({ id: 'simple_c32_json_infer_per_s' }, 2000, 3500).verdict).toBe('MISS');
  });

  it('wants matmul scaling ≥ 1.8× and within 5 % of the baseline’s own', () => {
    expect(judge({ id: 'matmul_c4_count2_over_count1' }, 1.85, 1.9).verdict).toBe('PASS');
    expect(judge({ id: 'matmul_c4_count2_over_count1' }, 1.79, 1.8).verdict).toBe('MISS');
    expect(judge({ id: 'matmul_c4_count2_over_count1' }, 1.81, 1.95).verdict).toBe('MISS');
  });

  it('holds 4 MiB bandwidth to half the baseline, and only reports 1 MiB', () => {
    expect(judge({ id: 'identity_4MiB_c4_binary_mb_per_s' }, 170, 330).verdict).toBe('PASS');
    expect(judge({ id: 'identity_4MiB_c4_binary_mb_per_s' }, 160, 330).verdict).toBe('MISS');
    expect(judge({ id: 'identity_1MiB_c4_binary_mb_per_s' }, 1, 330).verdict).toBe('INFO');
  });

  it('calls a figure that could not be measured a MISS', () => {
    expect(judge({ id: 'simple_c1_json_p50_ms' }, Number.NaN, 0.5).verdict).toBe('MISS');
    expect(judge({ id: 'simple_c32_json_infer_per_s' }, 100, 0).verdict).toBe('MISS');
  });
});

describe('ratioLine', () => {
  it('prints `ratio <scenario> <flotilla> <baseline> <ratio>`', () => {
    expect(ratioLine(judge({ id: 'simple_c1_json_p50_ms' }, 1.25, 0.5))).toBe('ratio simple_c1_json_p50_ms 1.250 0.500 2.500');
    expect(ratioLine(judge({ id: 'simple_c32_binary_infer_per_s' }, 2100, 3500))).toBe('ratio simple_c32_binary_infer_per_s 2100.0 3500.0 0.600');
    expect(ratioLine(judge({ id: 'x' }, Number.NaN, 1))).toBe('ratio x n/a 1.000 n/a');
  });
});
