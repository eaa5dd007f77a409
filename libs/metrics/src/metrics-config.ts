// Triton's `--metrics-config <setting>=<value>` (repeatable), as far as Flotilla honours it. A
// setting it does not act on is refused by name rather than accepted and ignored.

export interface MetricsConfig {
  /** `counter_latencies` (default true): the five cumulative `*_duration_us` counters. */
  readonly counterLatencies: boolean;
}

export const DEFAULT_METRICS_CONFIG: MetricsConfig = { counterLatencies: true };

/** Triton's settings that Flotilla does not implement, and why, for the refusal's text. */
const NOT_IMPLEMENTED: Readonly<Record<string, string>> = {
  summary_latencies: 'latency summaries (nv_inference_*_summary_us) are not implemented',
  summary_quantiles: 'latency summaries (nv_inference_*_summary_us) are not implemented',
  histogram_latencies: 'latency histograms (nv_inference_first_response_histogram_ms) are not implemented',
};

export class MetricsConfigError extends Error {}

/** Parses each `--metrics-config` value; throws MetricsConfigError naming what it refuses. */
export function parseMetricsConfig(values: readonly string[]): MetricsConfig {
  let config = DEFAULT_METRICS_CONFIG;
  for (const value of values) {
    const at = value.indexOf('=');
    if (at <= 0) throw new MetricsConfigError(`--metrics-config expects <setting>=<value>, got '${value}'`);
    const [setting, raw] = [value.slice(0, at).trim(), value.slice(at + 1).trim()];
    if (setting === 'counter_latencies') {
      config = { ...config, counterLatencies: parseBool(setting, raw) };
    } else if (NOT_IMPLEMENTED[setting]) {
      // Turning off what does not exist is honoured: that is the state already.
      if (setting !== 'summary_quantiles' && parseBool(setting, raw) === false) continue;
      throw new MetricsConfigError(`--metrics-config ${setting}=${raw} is not supported by Flotilla: ${NOT_IMPLEMENTED[setting]}`);
    } else {
      throw new MetricsConfigError(`--metrics-config: unknown setting '${setting}' (Flotilla supports counter_latencies)`);
    }
  }
  return config;
}

function parseBool(setting: string, raw: string): boolean {
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new MetricsConfigError(`--metrics-config ${setting} must be true or false, got '${raw}'`);
}
