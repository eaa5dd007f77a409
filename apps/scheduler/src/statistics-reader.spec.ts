// The flush barrier on its own, with the fleet view and the control client stood in for: a read
// waits for each executor's flush beat (or its departure), and no longer than FLUSH_TIMEOUT_MS.
import type { ExecutorBeat, StatisticsFlush } from '@flotilla/contracts';
import type { FleetChange, FleetView, ControlPlaneClient } from '@flotilla/service-kit';
import type { SchedulerState } from './scheduler.state';
import { FLUSH_TIMEOUT_MS, StatisticsReader } from './statistics-reader';

function harness(executorIds: string[]) {
  const members = new Set(executorIds);
  const beatListeners: ((beat: ExecutorBeat) => void)[] = [];
  const changeListeners: ((change: FleetChange) => void)[] = [];
  const flushes: StatisticsFlush[] = [];
  const fleet = {
    executors: () => [...members].map((executorId) => ({ executorId })),
    get: (executorId: string) => (members.has(executorId) ? { executorId } : undefined),
    onBeat: (listener: (beat: ExecutorBeat) => void) => beatListeners.push(listener),
    onChange: (listener: (change: FleetChange) => void) => changeListeners.push(listener),
  } as unknown as FleetView;
  const control = { emitEvent: async (_subject: string, body: StatisticsFlush) => void flushes.push(body) } as unknown as ControlPlaneClient;
  let reads = 0;
  const state = { statistics: () => [{ name: 'simple', version: 1, stats: { read: ++reads } }], refusals: () => [], startedAt: 7 } as unknown as SchedulerState;
  const reader = new StatisticsReader(fleet, control, state);
  reader.onApplicationBootstrap();
  return {
    reader,
    flushes,
    beat: (executorId: string, flush?: string) => beatListeners.forEach((listener) => listener({ executorId, revision: 'r', heartbeatMs: 1000, ...(flush ? { flush } : {}) })),
    leave: (executorId: string) => {
      members.delete(executorId);
      changeListeners.forEach((listener) => listener({ executorId, changes: { ready: [], draining: [], gone: [] }, cause: 'left' }));
    },
  };
}

const settled = async <T>(promise: Promise<T>) => {
  let done = false;
  void promise.then(() => (done = true));
  await vi.advanceTimersByTimeAsync(0);
  return done;
};

describe('StatisticsReader', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('reads only once every executor has answered its flush, ignoring ordinary beats', async () => {
    const { reader, flushes, beat } = harness(['cpu', 'gpu-0']);
    const read = reader.read();
    await vi.advanceTimersByTimeAsync(0);
    expect(flushes).toHaveLength(1);
    beat('cpu', flushes[0].token);
    beat('gpu-0'); // a heartbeat, not the answer
    beat('gpu-0', 'another read');
    expect(await settled(read)).toBe(false);
    beat('gpu-0', flushes[0].token);
    expect(await read).toEqual({ models: [{ name: 'simple', version: 1, stats: { read: 1 } }], refusals: [], startedAt: 7 });
  });

  it('counts an executor that leaves as answered (its last figures are folded in)', async () => {
    const { reader, flushes, beat, leave } = harness(['cpu', 'gpu-0']);
    const read = reader.read();
    await vi.advanceTimersByTimeAsync(0);
    beat('cpu', flushes[0].token);
    leave('gpu-0');
    expect((await read).stale).toBeUndefined();
  });

  it('answers after FLUSH_TIMEOUT_MS without an executor that stays silent, naming it stale', async () => {
    const { reader, flushes, beat } = harness(['cpu', 'gpu-0']);
    const read = reader.read();
    await vi.advanceTimersByTimeAsync(0);
    beat('cpu', flushes[0].token);
    await vi.advanceTimersByTimeAsync(FLUSH_TIMEOUT_MS - 1);
    expect(await settled(read)).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect((await read).stale).toEqual(['gpu-0']);
  });

  it('reads at once in an empty fleet', async () => {
    const { reader, flushes } = harness([]);
    expect((await reader.read()).models).toHaveLength(1);
    expect(flushes).toEqual([]);
  });
});
