import type { SlotWorker } from '@flotilla/backends';
import { SlotEntry } from './slot-entry';
import { DRAIN_GRACE_MS, SlotRetirement } from './slot-retirement';
import { plannedSlot } from './testing/planned-slot';

const tensors = { name: 'double', max_batch_size: 0, input: [], output: [] };

/** A slot whose worker's close() resolves when the test says so. */
function slotWithWorker(state: 'loading' | 'ready' | 'failed') {
  let finishClose = () => {};
  const close = vi.fn(() => new Promise<void>((resolve) => (finishClose = resolve)));
  const entry = new SlotEntry(plannedSlot(), 'subject', tensors);
  if (state !== 'loading') entry.ready({ close } as unknown as SlotWorker);
  if (state === 'failed') entry.fail('thread died');
  return { entry, close, finishClose: () => finishClose() };
}

describe('SlotRetirement', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('announces a ready slot draining, waits out the grace, closes its thread, then forgets it', async () => {
    const changes: string[] = [];
    const retirement = new SlotRetirement(() => changes.push([...retirement.entries()].map((e) => e.state).join()));
    const { entry, close, finishClose } = slotWithWorker('ready');

    const retired = retirement.retire(entry);
    expect(entry.state).toBe('draining');
    expect(retirement.has(entry.plan.slotId)).toBe(true);
    expect(changes).toEqual(['draining']);

    await vi.advanceTimersByTimeAsync(DRAIN_GRACE_MS - 1);
    expect(close).not.toHaveBeenCalled(); // payloads already on their way may still arrive
    await vi.advanceTimersByTimeAsync(1);
    expect(close).toHaveBeenCalledTimes(1);
    expect(retirement.has(entry.plan.slotId)).toBe(true); // still answering what it holds

    finishClose();
    await retired;
    expect(entry.state).toBe('closed');
    expect(retirement.has(entry.plan.slotId)).toBe(false);
    expect(changes).toEqual(['draining', '']);
  });

  it('closes a slot that is not ready at once, without announcing it', async () => {
    const changed = vi.fn();
    const retirement = new SlotRetirement(changed);
    const failed = slotWithWorker('failed');
    await retirement.retire(failed.entry);
    expect(failed.close).toHaveBeenCalledTimes(1);
    const loading = slotWithWorker('loading');
    await retirement.retire(loading.entry);
    expect([failed.entry.state, loading.entry.state]).toEqual(['closed', 'closed']);
    expect(changed).not.toHaveBeenCalled();
    expect([...retirement.entries()]).toEqual([]);
  });

  it('closeAll ends retiring threads without waiting out the grace', async () => {
    const retirement = new SlotRetirement(() => {});
    const { entry, close, finishClose } = slotWithWorker('ready');
    void retirement.retire(entry);
    const closed = retirement.closeAll();
    expect(close).toHaveBeenCalledTimes(1);
    finishClose();
    await closed;
  });
});
