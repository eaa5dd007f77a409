import { DEFAULT_METRICS_CONFIG, parseMetricsConfig } from './metrics-config';

describe('--metrics-config', () => {
  it('takes counter_latencies, and turning off what Flotilla does not have', () => {
    expect(parseMetricsConfig([])).toEqual(DEFAULT_METRICS_CONFIG);
    expect(parseMetricsConfig(['counter_latencies=false'])).toEqual({ counterLatencies: false });
    expect(parseMetricsConfig(['summary_latencies=false', 'histogram_latencies=false', 'counter_latencies=true'])).toEqual({ counterLatencies: true });
  });

  it('refuses, by name, what it would otherwise ignore', () => {
    expect(() => parseMetricsConfig(['summary_latencies=true'])).toThrow(/summary_latencies=true is not supported by Flotilla: latency summaries/);
    expect(() => parseMetricsConfig(['histogram_latencies=true'])).toThrow(/histogram_latencies=true is not supported/);
    expect(() => parseMetricsConfig(['summary_quantiles=0.5:0.05'])).toThrow(/summary_quantiles=0.5:0.05 is not supported/);
    expect(() => parseMetricsConfig(['gpu_uuid=true'])).toThrow(/unknown setting 'gpu_uuid'/);
    expect(() => parseMetricsConfig(['counter_latencies'])).toThrow(/expects <setting>=<value>/);
    expect(() => parseMetricsConfig(['counter_latencies=maybe'])).toThrow(/must be true or false, got 'maybe'/);
  });
});
