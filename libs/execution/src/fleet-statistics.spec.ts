import type { ExecutorAnnouncement, SlotAnnouncement } from '@flotilla/contracts';
import { FleetStatistics } from './fleet-statistics';
import { servedStatistics } from './testing/served-statistics';


const slot = (slotId: string, successes: number): SlotAnnouncement => ({
  slotId,
  subject: `s.${slotId}`,
  model: 'simple',
  version: 1,
  group: 'g',
  instance: 'g_0',
  passive: false,
  rateLimiter: { resources: [], priority: 1 },
  state: 'ready',
  stats: servedStatistics(successes),
});

const executor = (executorId: string, slots: SlotAnnouncement[], retired = 0): ExecutorAnnouncement => ({
  executorId,
  revision: 'r',
  device: 'cpu',
  backend: 'onnxruntime',
  executionProvider: 'cpu',
  simulated: false,
  pid: 1,
  host: 'h',
  heartbeatMs: 1000,
  slots,
  ...(retired ? { retired: [{ name: 'simple', version: 1, stats: servedStatistics(retired) }] } : {}),
});

const successes = (stats: FleetStatistics, live: ExecutorAnnouncement[]) => stats.snapshot(live).find((entry) => entry.name === 'simple')?.stats.success.count;

describe('fleet statistics', () => {
  it("sum live executors' slots and retired totals, departed executors and the scheduler's own refusals", () => {
    const stats = new FleetStatistics();
    const a = executor('a', [slot('a/1', 2), slot('a/2', 3)], 4);
    const b = executor('b', [slot('b/1', 5)]);
    expect(successes(stats, [a, b])).toBe(14);
    // b leaves: its figures stay, counted once.
    stats.executorDeparted(b);
    expect(successes(stats, [a])).toBe(14);
    stats.recordRefusal('simple', 1, 1000, 5, 'REJECTED');
    const total = stats.snapshot([a])[0].stats;
    expect(total.fail).toEqual({ count: 1, ns: 1000 });
    expect(total.failures.REJECTED).toBe(1);
  });

  it('stay bounded: a hundred executor restarts leave one total per model version', () => {
    const stats = new FleetStatistics();
    for (let i = 0; i < 100; i++) stats.executorDeparted(executor(`cpu-${i}`, [slot(`cpu-${i}/1`, 1)], 1));
    const snapshot = stats.snapshot([]);
    expect(snapshot).toHaveLength(1);
    expect(snapshot[0].stats.success.count).toBe(200);
    expect((stats as unknown as { departed: { list(): unknown[] } }).departed.list()).toHaveLength(1);
  });
});
