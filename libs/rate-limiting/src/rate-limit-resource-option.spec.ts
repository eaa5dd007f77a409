import { parseRateLimitResources } from './rate-limit-resource-option';

const formatText = (arg: string) =>
  `--rate-limit-resource option format is '<resource_name>:<count>:<device>' or '<resource_name>:<count>'. Got ${arg}`;

describe('parseRateLimitResources', () => {
  it('reads <name>:<count> as a count for every device', () => {
    expect(parseRateLimitResources(['R1:10'])).toEqual([{ name: 'R1', count: 10, device: 'all' }]);
  });

  it('reads <name>:<count>:<device> as a count for that device only', () => {
    expect(parseRateLimitResources(['R2:5:0', 'R2:8:1'])).toEqual([
      { name: 'R2', count: 5, device: 0 },
      { name: 'R2', count: 8, device: 1 },
    ]);
  });

  it('keeps the minimum when the same name and device are given twice', () => {
    expect(parseRateLimitResources(['R1:10', 'R1:3', 'R1:7'])).toEqual([{ name: 'R1', count: 3, device: 'all' }]);
    expect(parseRateLimitResources(['R1:2:1', 'R1:9:1'])).toEqual([{ name: 'R1', count: 2, device: 1 }]);
  });

  it('treats the same name with and without a device as two entries', () => {
    expect(parseRateLimitResources(['R1:4', 'R1:6:0'])).toHaveLength(2);
  });

  it('keeps names case-sensitive, as Triton’s parser does despite its help text', () => {
    expect(parseRateLimitResources(['r1:1', 'R1:2']).map((r) => r.name)).toEqual(['r1', 'R1']);
  });

  it('accepts a count of 0', () => {
    expect(parseRateLimitResources(['R1:0'])).toEqual([{ name: 'R1', count: 0, device: 'all' }]);
  });

  it.each(['R1', 'R1:2:0:1', ':2', 'R1:', 'R1:x', 'R1:-1', 'R1:2:gpu0', 'R1:1.5', ''])('refuses %j with Triton’s format text', (arg) => {
    expect(() => parseRateLimitResources([arg])).toThrow(formatText(arg));
  });

  it('returns nothing when the flag was not given', () => {
    expect(parseRateLimitResources([])).toEqual([]);
  });
});
