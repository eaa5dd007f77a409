import { BENCH_DEFAULTS, parseBenchOptions } from './bench-options';

describe('parseBenchOptions', () => {
  it('defaults to the full suite', () => {
    expect(parseBenchOptions([])).toEqual(BENCH_DEFAULTS);
  });

  it('reads filters, output and measurement settings', () => {
    expect(parseBenchOptions(['--only', 'simple_c1,identity', '--json-out', '/tmp/b.json', '--window-ms', '500', '--max-windows', '3'])).toMatchObject({
      only: ['simple_c1', 'identity'],
      jsonOut: '/tmp/b.json',
      windowMs: 500,
      maxWindows: 3,
    });
  });

  it('refuses unknown flags and missing values', () => {
    expect(() => parseBenchOptions(['--fast', '1'])).toThrow(/unknown flag/);
    expect(() => parseBenchOptions(['--window-ms'])).toThrow(/needs a value/);
    expect(() => parseBenchOptions(['--window-ms', 'soon'])).toThrow(/non-negative/);
  });
});
