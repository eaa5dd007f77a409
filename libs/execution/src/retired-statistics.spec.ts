import { RetiredStatistics, sumPerVersion } from './retired-statistics';
import { SlotStatisticsRecorder } from './statistics';

const served = (successes: number) => {
  const recorder = new SlotStatisticsRecorder(1);
  for (let i = 0; i < successes; i++) {
    recorder.recordExecution(1, { inputNs: 1, inferNs: 2, outputNs: 3 });
    recorder.recordSuccess(4, { inputNs: 1, inferNs: 2, outputNs: 3 }, i);
  }
  return recorder.snapshot();
};

describe('retired statistics', () => {
  it('fold any number of slots into one total per model version', () => {
    const retired = new RetiredStatistics();
    for (let restart = 0; restart < 100; restart++) retired.fold('simple', 1, served(2));
    retired.fold('simple', 2, served(1));
    expect(retired.list()).toHaveLength(2);
    expect(retired.list().find((entry) => entry.version === 1)?.stats).toMatchObject({ success: { count: 200, ns: 2000 }, executionCount: 200 });
    const version = retired.version;
    retired.foldAll([{ name: 'simple', version: 2, stats: served(3) }]);
    expect(retired.version).toBeGreaterThan(version);
    expect(retired.list().find((entry) => entry.version === 2)?.stats.success.count).toBe(4);
  });

  it('sum per model version', () => {
    const sums = sumPerVersion([
      { name: 'a', version: 1, stats: served(1) },
      { name: 'a', version: 1, stats: served(2) },
      { name: 'b', version: 1, stats: served(5) },
    ]);
    expect(sums.map(({ name, stats }) => [name, stats.success.count])).toEqual([
      ['a', 3],
      ['b', 5],
    ]);
  });
});
