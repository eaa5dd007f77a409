import type { FlotillaError } from '@flotilla/contracts';
import { parseTraceConfigFlags } from './trace-config-flags';
import { parseTraceSettingsUpdate, traceSettingsJson, TRACE_FILE_NOT_UPDATABLE, TRITON_TRACE_DEFAULTS } from './trace-settings';

function refusal(run: () => unknown): FlotillaError {
  try {
    run();
  } catch (error) {
    return error as FlotillaError;
  }
  throw new Error('not refused');
}

describe('trace settings JSON (Triton’s trace extension)', () => {
  it('renders every value as a string and the level as an array of strings', () => {
    expect(traceSettingsJson({ level: 'TIMESTAMPS', rate: 100, count: -1 })).toEqual({
      trace_level: ['TIMESTAMPS'],
      trace_rate: '100',
      trace_count: '-1',
      log_frequency: '0',
      trace_mode: 'opentelemetry',
    });
  });

  it('reads string values, null as "clear", and the level array', () => {
    expect(parseTraceSettingsUpdate({ trace_rate: '1', trace_count: null, trace_level: ['TIMESTAMPS'], log_frequency: '0', trace_mode: 'opentelemetry' })).toEqual({
      rate: 1,
      count: null,
      level: 'TIMESTAMPS',
    });
    expect(parseTraceSettingsUpdate({ trace_level: ['OFF', 'TIMESTAMPS'] })).toEqual({ level: 'TIMESTAMPS' });
  });

  it('refuses, naming it, what it would otherwise ignore or misread', () => {
    expect(refusal(() => parseTraceSettingsUpdate({ trace_file: '/tmp/t.json' }))).toMatchObject({ code: 'UNSUPPORTED', message: TRACE_FILE_NOT_UPDATABLE });
    expect(refusal(() => parseTraceSettingsUpdate({ trace_rate: 5 })).message).toMatch(/trace_rate must be a string holding an integer/);
    expect(refusal(() => parseTraceSettingsUpdate({ trace_count: '-2' })).message).toMatch(/trace_count must be -1 \(unlimited\) or more/);
    expect(refusal(() => parseTraceSettingsUpdate({ trace_level: 'TIMESTAMPS' })).message).toMatch(/trace_level must be a non-empty array/);
    expect(refusal(() => parseTraceSettingsUpdate({ trace_level: ['TENSORS'] }))).toMatchObject({ code: 'UNSUPPORTED' });
    expect(refusal(() => parseTraceSettingsUpdate({ log_frequency: '50' })).message).toMatch(/log_frequency/);
    expect(refusal(() => parseTraceSettingsUpdate({ trace_mode: 'triton' })).message).toMatch(/trace_mode 'triton'/);
    expect(refusal(() => parseTraceSettingsUpdate({ sample_everything: 'yes' })).message).toMatch(/unknown trace setting 'sample_everything'/);
    expect(refusal(() => parseTraceSettingsUpdate([])).code).toBe('INVALID_ARG');
  });
});

describe('--trace-config', () => {
  it('starts from Triton’s defaults and reads rate, count and repeated levels', () => {
    expect(parseTraceConfigFlags([])).toEqual(TRITON_TRACE_DEFAULTS);
    expect(parseTraceConfigFlags(['rate=100', 'level=TIMESTAMPS', 'count=5', 'mode=opentelemetry', 'triton,log-frequency=0'])).toEqual({ level: 'TIMESTAMPS', rate: 100, count: 5 });
    // The environment twin splits `triton,log-frequency=0` at its comma.
    expect(parseTraceConfigFlags(['triton', 'log-frequency=0', 'level=OFF', 'level=TIMESTAMPS'])).toEqual({ ...TRITON_TRACE_DEFAULTS, level: 'TIMESTAMPS' });
  });

  it('refuses every key and mode it does not honour, naming it', () => {
    expect(refusal(() => parseTraceConfigFlags(['triton,file=/tmp/trace.json'])).message).toMatch(/triton,file/);
    expect(refusal(() => parseTraceConfigFlags(['mode=triton'])).message).toMatch(/mode=triton/);
    expect(refusal(() => parseTraceConfigFlags(['opentelemetry,url=http://x:4318/v1/traces'])).message).toMatch(/opentelemetry,url.*OTEL_EXPORTER_OTLP/);
    expect(refusal(() => parseTraceConfigFlags(['log-frequency=50'])).message).toMatch(/log-frequency=50/);
    expect(refusal(() => parseTraceConfigFlags(['level=TENSORS'])).message).toMatch(/TENSORS/);
    expect(refusal(() => parseTraceConfigFlags(['rate=often'])).message).toMatch(/--trace-config rate=often/);
    expect(refusal(() => parseTraceConfigFlags(['sample=1'])).message).toMatch(/--trace-config sample/);
    expect(refusal(() => parseTraceConfigFlags(['ratio'])).message).toMatch(/expected <setting>=<value>/);
  });
});
