import { parseRateLimitMode } from './rate-limit-mode';

describe('parseRateLimitMode', () => {
  it('takes tritonserver’s two modes, in any case', () => {
    expect(parseRateLimitMode('off')).toBe('off');
    expect(parseRateLimitMode('EXECUTION_COUNT')).toBe('execution_count');
  });

  it('refuses anything else with Triton’s text', () => {
    expect(() => parseRateLimitMode('on')).toThrow('invalid argument for --rate-limit');
  });
});
