import { RetiredStatistics, sumPerVersion } from './retired-statistics';
import { servedStatistics } from './testing/served-statistics';


describe('retired statistics', () => {
  it('fold any number of slots into one total per model version', () => {
    const retired = new RetiredStatistics();
    for (let restart = 0; restart < 100; restart++) retired.fold('simple', 1, servedStatistics(2));
    retired.fold('simple', 2, servedStatistics(1));
    expect(retired.list()).toHaveLength(2);
    expect(retired.list().find((entry) => entry.version === 1)?.stats).toMatchObject({ success: { count: 200, ns: 2000 }, executionCount: 200 });
    const version = retired.version;
    retired.foldAll([{ name: 'simple', version: 2, stats: servedStatistics(3) }]);
    expect(retired.version).toBeGreaterThan(version);
    expect(retired.list().find((entry) => entry.version === 2)?.stats.success.count).toBe(4);
  });

  it('sum per model version', () => {
    const sums = sumPerVersion([
      { name: 'a', version: 1, stats: servedStatistics(1) },
      { name: 'a', version: 1, stats: servedStatistics(2) },
      { name: 'b', version: 1, stats: servedStatistics(5) },
    ]);
    expect(sums.map(({ name, stats }) => [name, stats.success.count])).toEqual([
      ['a', 3],
      ['b', 5],
    ]);
  });
});
