import { scheduleParameters } from './schedule-parameters';

describe('scheduleParameters', () => {
  it('reads priority and timeout, leaving out zeros and absent ones', () => {
    expect(scheduleParameters({ priority: 2, timeout: 100_000 })).toEqual({ priority: 2, timeoutMicros: 100_000 });
    expect(scheduleParameters({ priority: 0 })).toEqual({});
    expect(scheduleParameters({ binary_data_output: true })).toEqual({});
  });

  it('refuses a negative, fractional or non-numeric priority or timeout, naming it', () => {
    expect(() => scheduleParameters({ priority: -1 })).toThrow("request parameter 'priority' must be a non-negative integer, got -1");
    expect(() => scheduleParameters({ priority: 1.5 })).toThrow("request parameter 'priority' must be a non-negative integer, got 1.5");
    expect(() => scheduleParameters({ timeout: '10' })).toThrow(`request parameter 'timeout' must be a non-negative integer (microseconds), got "10"`);
    expect(() => scheduleParameters({ timeout: true })).toThrow(/'timeout'/);
  });
});
