import { roundSettings } from './interleaved-scaling';
import { rateLimitingVerdicts, type RateLimitingCosts } from './rate-limiting-costs';

const costs = (overrides: Partial<RateLimitingCosts>): RateLimitingCosts => ({
  roundTrip: { p50Ms: 0.3, p90Ms: 0.5 },
  simpleOff: [1],
  simpleOn: [1.1],
  simpleExclusiveOn: [1.5],
  exclusivePair: [50],
  unlimitedSingle: [50],
  floorPair: [60],
  floorSingle: [60],
  ...overrides,
});

const line = (lines: string[], figure: string) => lines.find((text) => text.includes(` ${figure} `))!;

describe('rate limiting verdicts', () => {
  it("judges the exclusive pair by the median of its rounds' ratios, so the machine's drift does not decide it", () => {
    // The machine slows down in rounds 3–5, on the unlimited instance's turn in round 3 and the
    // pair's in round 5; measured beside each other the pair is 2 % under in every other round.
    const unlimitedSingle = [60, 60, 45, 45, 60, 60, 60];
    const exclusivePair = [58.8, 58.8, 58.8, 44.1, 44.1, 58.8, 58.8];
    const text = line(rateLimitingVerdicts(costs({ exclusivePair, unlimitedSingle })), 'rate_limit_exclusive_pair_vs_unlimited');
    expect(text).toMatch(/^PASS rate_limit_exclusive_pair_vs_unlimited 0\.980 /);
    expect(text).toContain('0.98, 0.98, 1.31, 0.98, 0.73, 0.98, 0.98');
  });

  it('misses when the pair loses more than 5 % in most rounds, whatever one lucky round says', () => {
    const lines = rateLimitingVerdicts(costs({ exclusivePair: [45, 46, 60, 44, 45], unlimitedSingle: [50, 50, 50, 50, 50] }));
    expect(line(lines, 'rate_limit_exclusive_pair_vs_unlimited')).toMatch(/^MISS rate_limit_exclusive_pair_vs_unlimited 0\.900 /);
    expect(line(lines, 'rate_limit_exclusive_pair_vs_unlimited')).toContain('0.90, 0.92, 1.20, 0.88, 0.90');
  });

  it("reports the floor by its rounds' ratios and the pair against it", () => {
    const lines = rateLimitingVerdicts(costs({ exclusivePair: [47], unlimitedSingle: [50], floorPair: [57], floorSingle: [60] }));
    expect(line(lines, 'exclusive_pair_floor_in_process')).toMatch(/^INFO exclusive_pair_floor_in_process 0\.950 /);
    expect(line(lines, 'rate_limit_exclusive_pair_vs_floor')).toMatch(/^INFO rate_limit_exclusive_pair_vs_floor 0\.989 /);
  });

  it('judges the added latency against the round trip of the same run', () => {
    expect(line(rateLimitingVerdicts(costs({ simpleOn: [1.2] })), 'rate_limit_added_p50_ms')).toMatch(/^PASS /);
    expect(line(rateLimitingVerdicts(costs({ simpleOn: [1.4] })), 'rate_limit_added_p50_ms')).toMatch(/^MISS /);
  });
});

describe('round settings', () => {
  it('takes exactly two windows, judged stable whatever they say, with a short warm-up after the first round', () => {
    const settings = { windowMs: 2000, stability: 0.1, maxWindows: 8, warmupMs: 1000 };
    expect(roundSettings(settings, 1)).toEqual({ windowMs: 2000, stability: Number.MAX_VALUE, maxWindows: 2, warmupMs: 1000 });
    expect(roundSettings(settings, 2).warmupMs).toBe(500);
  });
});
