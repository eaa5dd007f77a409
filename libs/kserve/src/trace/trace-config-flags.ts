import { invalidArg, unsupported } from '@flotilla/contracts';
import { LOG_FREQUENCY_REFUSAL, parseInteger, parseLevel, TRACE_MODE_REFUSAL, TRITON_TRACE_DEFAULTS, type TraceLevel, type TraceSettings } from './trace-settings';

/**
 * Triton's `--trace-config` values at start (triton-spec §7.1): `<setting>=<value>` for the global
 * settings `rate`, `level` (repeatable), `count`, `mode`, or `<mode>,<setting>=<value>`. Flotilla
 * honours `rate`, `level` (OFF, TIMESTAMPS), `count`, `mode=opentelemetry` and `log-frequency=0`;
 * every other key or mode is refused, naming it, because it would otherwise be ignored.
 *
 * A bare mode word followed by its setting (`triton`, `file=x`) is read as one value: that is how
 * the flag's environment twin, split at commas, hands `triton,file=x` over.
 */
export function parseTraceConfigFlags(values: readonly string[]): TraceSettings {
  let settings: { -readonly [K in keyof TraceSettings]: TraceSettings[K] } = { ...TRITON_TRACE_DEFAULTS };
  const levels = new Set<TraceLevel>();
  for (let i = 0; i < values.length; i++) {
    let value = values[i].trim();
    if (!value.includes('=') && i + 1 < values.length) value = `${value},${values[++i].trim()}`;
    const comma = value.indexOf(',');
    const mode = comma === -1 ? undefined : value.slice(0, comma);
    const assignment = comma === -1 ? value : value.slice(comma + 1);
    const equals = assignment.indexOf('=');
    if (equals <= 0) throw invalidArg(`--trace-config ${value}: expected <setting>=<value> or <mode>,<setting>=<value>`);
    const key = assignment.slice(0, equals);
    const setting = assignment.slice(equals + 1);
    if (mode === 'opentelemetry') throw unsupported(`--trace-config opentelemetry,${key}: set the OTLP exporter with the standard OTEL_EXPORTER_OTLP_* environment variables instead (docs/observability.md)`);
    if (mode !== undefined && mode !== 'triton') throw invalidArg(`--trace-config ${value}: unknown trace mode '${mode}' (expected triton or opentelemetry)`);
    if (mode === 'triton' && key !== 'log-frequency') throw unsupported(`--trace-config triton,${key}: Triton's trace files are not written; Flotilla exports traces over OTLP (mode opentelemetry)`);
    switch (key) {
      case 'rate':
        settings = { ...settings, rate: flagInteger(key, setting, 0) };
        break;
      case 'count':
        settings = { ...settings, count: flagInteger(key, setting, -1) };
        break;
      case 'level':
        levels.add(parseLevel(setting));
        break;
      case 'mode':
        if (setting !== 'opentelemetry') throw unsupported(`--trace-config mode=${setting}: ${TRACE_MODE_REFUSAL}`);
        break;
      case 'log-frequency':
      case 'log_frequency':
        if (flagInteger(key, setting, 0) !== 0) throw unsupported(`--trace-config ${value}: ${LOG_FREQUENCY_REFUSAL}`);
        break;
      default:
        throw unsupported(`--trace-config ${key}: not a trace setting Flotilla honours (rate, level, count, mode=opentelemetry, log-frequency=0)`);
    }
  }
  if (levels.size > 1) levels.delete('OFF');
  if (levels.size > 0) settings = { ...settings, level: [...levels][0] };
  return settings;
}

function flagInteger(key: string, value: string, min: number): number {
  try {
    return parseInteger(key, value, min);
  } catch (error) {
    throw invalidArg(`--trace-config ${key}=${value}: ${(error as Error).message}`);
  }
}
