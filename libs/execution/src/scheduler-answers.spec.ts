import type { SchedulerStatus } from '@flotilla/contracts';
import { mergeSchedulerStatus, mergeStatistics } from './scheduler-answers';
import { SlotStatisticsRecorder } from './statistics';

function refused(count: number) {
  const recorder = new SlotStatisticsRecorder();
  for (let i = 0; i < count; i++) recorder.recordFailure(1000, 1, 'REJECTED');
  return recorder.snapshot();
}

const slot = (slotId: string, busy: boolean) => ({ slotId, instance: slotId, device: 'cpu' as const, executorId: 'e1', host: 'h1', busy, simulated: false });

describe('mergeSchedulerStatus', () => {
  it('adds queues up, takes a slot as busy if any scheduler has work on it, and a version as ready if any says so', () => {
    const a: SchedulerStatus = { models: [{ name: 'simple', version: 1, ready: true, queued: 2, loading: 0, slots: [slot('s1', true), slot('s2', false)] }] };
    const b: SchedulerStatus = {
      models: [
        { name: 'simple', version: 1, ready: false, queued: 3, loading: 0, slots: [slot('s1', false), slot('s2', true)] },
        { name: 'other', version: 2, ready: true, queued: 0, loading: 0, slots: [] },
      ],
    };
    const merged = mergeSchedulerStatus([a, b]);
    expect(merged.models).toHaveLength(2);
    const simple = merged.models.find((entry) => entry.name === 'simple')!;
    expect(simple.ready).toBe(true);
    expect(simple.queued).toBe(5);
    expect(simple.slots.map((s) => [s.slotId, s.busy])).toEqual([
      ['s1', true],
      ['s2', true],
    ]);
  });
});

describe('mergeStatistics', () => {
  it('takes the fleet’s figures once, from the oldest scheduler, and adds every other scheduler’s refusals', () => {
    const oldest = { models: [{ name: 'simple', version: 1, stats: refused(2) }], refusals: [{ name: 'simple', version: 1, stats: refused(1) }], startedAt: 100 };
    const younger = { models: [{ name: 'simple', version: 1, stats: refused(4) }], refusals: [{ name: 'simple', version: 1, stats: refused(3) }], startedAt: 200, stale: ['e9'] };
    const merged = mergeStatistics([younger, oldest]);
    // the oldest's 2 (its own refusal included) + the younger's own 3
    expect(merged.models[0].stats.fail.count).toBe(5);
    expect(merged.stale).toEqual(['e9']);
  });

  it('returns a lone answer as it is', () => {
    const only = { models: [{ name: 'simple', version: 1, stats: refused(1) }] };
    expect(mergeStatistics([only])).toBe(only);
  });
});
