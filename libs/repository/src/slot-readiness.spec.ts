import type { ExecutorAnnouncement, ModelRecord, SlotAnnouncement } from '@flotilla/contracts';
import { versionSlots } from './slot-readiness';

const config = { name: 'm', instance_group: [{ name: 'g', kind: 'KIND_CPU', count: 2, gpus: [], passive: false }] };
const record: ModelRecord = { name: 'm', config, versions: [{ version: 1, state: 'READY', reason: '', path: '' }], reason: '' };
const slot = (instance: string, state: SlotAnnouncement['state'], error?: string) => ({ model: 'm', version: 1, instance, state, ...(error ? { error } : {}) }) as unknown as SlotAnnouncement;
const executor = (device: string, slots: SlotAnnouncement[]) => ({ device, slots }) as unknown as ExecutorAnnouncement;

describe('versionSlots: a version is ready only when every instance it needs is', () => {
  it('is ready when every instance is announced ready on its device', () => {
    expect(versionSlots(record, 1, [executor('cpu', [slot('g_0', 'ready'), slot('g_1', 'ready')])])).toEqual({ kind: 'ready' });
  });

  it('is loading while one of them is missing, loading or draining, naming them', () => {
    expect(versionSlots(record, 1, [executor('cpu', [slot('g_0', 'ready'), slot('g_1', 'loading')])])).toEqual({ kind: 'loading', waitingFor: ['g_1 on cpu'] });
    expect(versionSlots(record, 1, [executor('cpu', [slot('g_0', 'draining')])])).toEqual({ kind: 'loading', waitingFor: ['g_0 on cpu', 'g_1 on cpu'] });
    // the same instance on another device does not count
    expect(versionSlots(record, 1, [executor('gpu:0', [slot('g_0', 'ready'), slot('g_1', 'ready')])]).kind).toBe('loading');
    expect(versionSlots(record, 2, [executor('cpu', [slot('g_0', 'ready'), slot('g_1', 'ready')])]).kind).toBe('loading');
  });

  it('does not count a slot created for another config (its signature differs)', () => {
    const stale = { ...slot('g_0', 'ready'), signature: 'old config' } as SlotAnnouncement;
    expect(versionSlots(record, 1, [executor('cpu', [stale, slot('g_1', 'ready')])])).toEqual({ kind: 'loading', waitingFor: ['g_0 on cpu'] });
  });

  it("is failed with the instance's error when one failed", () => {
    expect(versionSlots(record, 1, [executor('cpu', [slot('g_0', 'ready'), slot('g_1', 'failed', 'no such file')])])).toEqual({ kind: 'failed', reason: 'no such file' });
  });
});
