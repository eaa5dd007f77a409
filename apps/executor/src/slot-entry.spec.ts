import type { SlotWorker } from '@flotilla/backends';
import { IllegalSlotTransitionError, SlotEntry } from './slot-entry';
import { plannedSlot } from './testing/planned-slot';

const tensors = { name: 'double', max_batch_size: 4, input: [{ name: 'X', datatype: 'FP32' as const, dims: [2] }], output: [{ name: 'Y' }] };
const entry = () => new SlotEntry(plannedSlot(), 'flotilla.executor.cpu-1.slot.1', tensors);
const worker = {} as SlotWorker;

describe('SlotEntry', () => {
  it('walks loading → ready → draining → closed, announcing each state but the last', () => {
    const slot = entry();
    expect(slot.announcement()).toMatchObject({ slotId: 'cpu-1/double/1/double_0', subject: 'flotilla.executor.cpu-1.slot.1', state: 'loading', instance: 'double_0' });
    slot.ready(worker);
    expect(slot.worker).toBe(worker);
    expect(slot.announcement().state).toBe('ready');
    slot.drain();
    expect(slot.announcement().state).toBe('draining');
    slot.close();
    expect(slot.state).toBe('closed');
    expect(() => slot.announcement()).toThrow(/closed/);
  });

  it('announces a failure with its reason', () => {
    const slot = entry();
    slot.fail('model file missing');
    expect(slot.announcement()).toMatchObject({ state: 'failed', error: 'model file missing' });
    expect('error' in entry().announcement()).toBe(false);
  });

  it('lets a thread die while ready or draining, and a failed or loading slot only close', () => {
    const ready = entry();
    ready.ready(worker);
    ready.fail('thread died');
    ready.close();
    const draining = entry();
    draining.ready(worker);
    draining.drain();
    draining.fail('thread died');
    expect(draining.state).toBe('failed');
    const loading = entry();
    loading.close();
    expect(loading.state).toBe('closed');
  });

  it('throws on an illegal transition and stays where it was', () => {
    const slot = entry();
    expect(() => slot.drain()).toThrow(IllegalSlotTransitionError);
    expect(() => slot.drain()).toThrow('slot cpu-1/double/1/double_0: illegal state transition loading → draining');
    expect(slot.state).toBe('loading');
    slot.ready(worker);
    expect(() => slot.ready(worker)).toThrow(/ready → ready/);
    expect(() => slot.close()).toThrow(/ready → closed/); // a ready slot drains first
    slot.fail('gone');
    expect(() => slot.ready(worker)).toThrow(/failed → ready/);
    slot.close();
    expect(() => slot.fail('again')).toThrow(/closed → failed/);
  });

  it('keeps its signature when a reuse renames it', () => {
    const slot = entry();
    slot.plan = plannedSlot({ instance: 'renamed_0', signature: 'other' });
    expect(slot.signature).toBe('double|cpu');
    expect(slot.announcement().instance).toBe('renamed_0');
  });
});
