import type { TraceSettingsJson } from '../trace/trace-settings';

/** `TraceSettingRequest` / `TraceSettingResponse`: each setting a list of strings. */
export interface TraceSettingRequestMessage {
  settings: Record<string, { value: string[] }>;
  model_name: string;
}

export interface TraceSettingResponseMessage {
  settings: Record<string, { value: string[] }>;
}

/**
 * The gRPC request as the JSON body HTTP would carry, so both go through the same checks: an empty
 * list is `null` (clear), `trace_level` stays a list, any other setting takes its one string (more
 * than one is kept as a list, which the checks refuse by name).
 */
export function traceSettingUpdateOf(message: TraceSettingRequestMessage): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [key, { value }] of Object.entries(message.settings ?? {})) {
    body[key] = value.length === 0 ? null : key === 'trace_level' || value.length > 1 ? value : value[0];
  }
  return body;
}

export function traceSettingResponseOf(settings: TraceSettingsJson): TraceSettingResponseMessage {
  return { settings: Object.fromEntries(Object.entries(settings).map(([key, value]) => [key, { value: Array.isArray(value) ? value : [value] }])) };
}
