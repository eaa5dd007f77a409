import type { SlotAnnouncement, SlotStatistics } from '@flotilla/contracts';
import { SlotStatisticsRecorder } from './statistics';
import { StatisticsDelta } from './statistics-delta';

const slot = (slotId: string, stats: SlotStatistics) => ({ slotId, stats }) as SlotAnnouncement;

describe('StatisticsDelta', () => {
  it('hands over only the statistics that changed since they were last sent', () => {
    const idle = new SlotStatisticsRecorder().snapshot();
    const delta = new StatisticsDelta();
    delta.sentAll([slot('a', idle), slot('b', idle)]);
    expect(delta.takeChanged([slot('a', idle), slot('b', idle)])).toBeUndefined();
    const busier = { ...idle, executionCount: 3 };
    expect(delta.takeChanged([slot('a', idle), slot('b', busier)])).toEqual({ b: busier });
    expect(delta.takeChanged([slot('a', idle), slot('b', busier)])).toBeUndefined(); // sent once
    expect(delta.takeChanged([slot('c', idle)])).toEqual({ c: idle }); // a slot never sent
  });
});
