import { TraceSampling } from './trace-sampling';
import { TRITON_TRACE_DEFAULTS } from './trace-settings';

const traced = (sampling: TraceSampling, model: string, n: number, propagated = false) =>
  Array.from({ length: n }, () => sampling.shouldTrace(model, propagated));

describe('TraceSampling', () => {
  it('traces nothing at level OFF (Triton’s default), not even a propagated context', () => {
    const sampling = new TraceSampling(TRITON_TRACE_DEFAULTS, true);
    expect(traced(sampling, 'simple', 2000)).not.toContain(true);
    expect(sampling.shouldTrace('simple', true)).toBe(false);
  });

  it('traces every rate-th request, and every propagated one whatever the rate', () => {
    const sampling = new TraceSampling({ level: 'TIMESTAMPS', rate: 3, count: -1 }, true);
    expect(traced(sampling, 'simple', 6)).toEqual([false, false, true, false, false, true]);
    expect(sampling.shouldTrace('simple', true)).toBe(true);
    sampling.update(undefined, { rate: 0 });
    expect(traced(sampling, 'simple', 5)).not.toContain(true);
    expect(sampling.shouldTrace('simple', true)).toBe(true);
  });

  it('spends trace_count on what the rate picks, stops at 0 (but for propagated contexts), and starts again when a new count is set', () => {
    const sampling = new TraceSampling({ level: 'TIMESTAMPS', rate: 1, count: 2 }, true);
    expect(traced(sampling, 'simple', 4)).toEqual([true, true, false, false]);
    expect(sampling.settings().count).toBe(0);
    expect(sampling.shouldTrace('simple', true)).toBe(true);
    sampling.update(undefined, { count: 1 });
    expect(traced(sampling, 'simple', 2)).toEqual([true, false]);
  });

  it('lets a model override settings key by key, with its own counters, until cleared with null', () => {
    const sampling = new TraceSampling({ level: 'TIMESTAMPS', rate: 1000, count: -1 }, true);
    expect(sampling.update('simple', { rate: 1, count: 1 })).toEqual({ level: 'TIMESTAMPS', rate: 1, count: 1 });
    expect(traced(sampling, 'simple', 2)).toEqual([true, false]);
    expect(sampling.settings('other')).toEqual({ level: 'TIMESTAMPS', rate: 1000, count: -1 });
    expect(sampling.update('simple', { count: null })).toEqual({ level: 'TIMESTAMPS', rate: 1, count: -1 });
    expect(traced(sampling, 'simple', 2)).toEqual([true, true]);
    sampling.update('simple', { rate: null });
    expect(sampling.settings('simple')).toEqual(sampling.settings());
  });

  it('restores the start-up value when a global setting is cleared', () => {
    const sampling = new TraceSampling({ level: 'TIMESTAMPS', rate: 10, count: -1 }, true);
    sampling.update(undefined, { rate: 1, level: 'OFF' });
    expect(sampling.update(undefined, { rate: null, level: null })).toEqual({ level: 'TIMESTAMPS', rate: 10, count: -1 });
  });

  it('refuses to turn tracing on when no OTLP endpoint could receive the traces', () => {
    expect(() => new TraceSampling({ level: 'TIMESTAMPS', rate: 1, count: -1 }, false)).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT/);
    const sampling = new TraceSampling(TRITON_TRACE_DEFAULTS, false);
    expect(() => sampling.update('simple', { level: 'TIMESTAMPS' })).toThrow(/needs an OTLP endpoint/);
    expect(sampling.settings('simple').level).toBe('OFF');
  });
});
