import { invalidArg, unsupported } from '@flotilla/contracts';

/**
 * Triton's trace settings (triton-spec §7), as Flotilla honours them. Flotilla always traces in
 * Triton's `opentelemetry` mode: spans leave every service over OTLP as they end, so the settings
 * of Triton's own file mode (`trace_file`, `trace_mode triton`, a `log_frequency` other than 0)
 * are refused by name rather than accepted and ignored.
 */
export type TraceLevel = 'OFF' | 'TIMESTAMPS';

export interface TraceSettings {
  readonly level: TraceLevel;
  /** Every `rate`-th request is traced; 0 traces only requests that bring their own trace context. */
  readonly rate: number;
  /** Traces still to collect; -1 = unlimited. Decrements with every trace, stops at 0. */
  readonly count: number;
}

/** Triton's defaults: tracing off, every 1000th request once on, unlimited. */
export const TRITON_TRACE_DEFAULTS: TraceSettings = { level: 'OFF', rate: 1000, count: -1 };

/** One POST's changes: a value sets, `null` clears (a model's override: back to the global setting). */
export type TraceSettingsUpdate = { readonly [K in keyof TraceSettings]?: TraceSettings[K] | null };

/** The JSON Triton's trace extension speaks: every value a string, `trace_level` an array of strings. */
export interface TraceSettingsJson {
  readonly trace_level: string[];
  readonly trace_rate: string;
  readonly trace_count: string;
  readonly log_frequency: string;
  readonly trace_mode: 'opentelemetry';
}

export function traceSettingsJson(settings: TraceSettings): TraceSettingsJson {
  return {
    trace_level: [settings.level],
    trace_rate: String(settings.rate),
    trace_count: String(settings.count),
    // Spans are exported as they end (Triton's opentelemetry mode): there are no files to roll.
    log_frequency: '0',
    trace_mode: 'opentelemetry',
  };
}

/** Triton's text for the one setting it never lets a client change. */
export const TRACE_FILE_NOT_UPDATABLE = 'trace file location can not be updated through network protocol';

/** The body of `POST v2[/models/<m>]/trace/setting`, checked key by key; the first problem is named. */
export function parseTraceSettingsUpdate(body: unknown): TraceSettingsUpdate {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalidArg('trace setting request must be a JSON object, e.g. {"trace_rate": "100"}');
  const update: { -readonly [K in keyof TraceSettings]?: TraceSettings[K] | null } = {};
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    switch (key) {
      case 'trace_level':
        update.level = value === null ? null : parseLevels(value);
        break;
      case 'trace_rate':
        update.rate = value === null ? null : parseInteger(key, value, 0);
        break;
      case 'trace_count':
        update.count = value === null ? null : parseInteger(key, value, -1);
        break;
      case 'log_frequency':
        if (value !== null && parseInteger(key, value, 0) !== 0) throw unsupported(LOG_FREQUENCY_REFUSAL);
        break;
      case 'trace_file':
        throw unsupported(TRACE_FILE_NOT_UPDATABLE);
      case 'trace_mode':
        if (value !== null && value !== 'opentelemetry') throw unsupported(TRACE_MODE_REFUSAL);
        break;
      default:
        throw invalidArg(`unknown trace setting '${key}': expected trace_level, trace_rate, trace_count, log_frequency or trace_mode`);
    }
  }
  return update;
}

export const LOG_FREQUENCY_REFUSAL =
  "log_frequency rolls Triton's trace files (trace_mode triton); Flotilla exports each trace over OTLP as it ends (trace_mode opentelemetry), so only \"0\" is accepted";
export const TRACE_MODE_REFUSAL = "trace_mode 'triton' writes trace files; Flotilla traces in 'opentelemetry' mode only (spans exported over OTLP)";

/** A trace level by name; `TENSORS` is refused: Flotilla records timestamps, never tensor contents. */
export function parseLevel(name: string): TraceLevel {
  const upper = name.toUpperCase();
  if (upper === 'OFF' || upper === 'TIMESTAMPS') return upper;
  if (upper === 'TENSORS') throw unsupported('trace level TENSORS is not supported: Flotilla traces record timestamps, not tensor contents');
  throw invalidArg(`unknown trace level '${name}': expected OFF or TIMESTAMPS`);
}

function parseLevels(value: unknown): TraceLevel {
  if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === 'string')) {
    throw invalidArg('trace_level must be a non-empty array of strings, e.g. ["TIMESTAMPS"]');
  }
  const levels = new Set(value.map((v: string) => parseLevel(v)));
  // Triton: OFF beside another level means that level.
  if (levels.size > 1) levels.delete('OFF');
  return [...levels][0];
}

/** Triton's values are strings holding integers ("100"); a JSON number is refused, naming the setting. */
export function parseInteger(key: string, value: unknown, min: number): number {
  if (typeof value !== 'string' || !/^-?[0-9]+$/.test(value.trim())) {
    throw invalidArg(`${key} must be a string holding an integer (e.g. "100"), got ${JSON.stringify(value)}`);
  }
  const parsed = Number(value.trim());
  if (!Number.isSafeInteger(parsed) || parsed < min) throw invalidArg(`${key} must be ${min === -1 ? '-1 (unlimited) or more' : `at least ${min}`}, got "${value}"`);
  return parsed;
}
