import type { ExecutorAnnouncement, SlotAnnouncement } from '@flotilla/contracts';
import { ExecutorRegistry } from './executor-registry';

const none = { count: 0, ns: 0 };

const slot = (instance: string, overrides: Partial<SlotAnnouncement> = {}): SlotAnnouncement => ({
  slotId: `cpu-1/m/1/${instance}`,
  subject: `flotilla.executor.cpu-1.slot.${instance}`,
  model: 'm',
  version: 1,
  group: 'm_0',
  instance,
  passive: false,
  rateLimiter: { resources: [], priority: 1 },
  state: 'ready',
  stats: { success: none, fail: none, queue: none, computeInput: none, computeInfer: none, computeOutput: none, inferenceCount: 0, executionCount: 0, lastInference: 0, batches: {}, failures: { REJECTED: 0, CANCELED: 0, BACKEND: 0, OTHER: 0 } },
  ...overrides,
});

const executor = (slots: SlotAnnouncement[], id = 'cpu-1'): ExecutorAnnouncement => ({
  executorId: id,
  revision: 'r1',
  device: 'cpu',
  backend: 'onnxruntime',
  executionProvider: 'cpu',
  simulated: false,
  pid: 1,
  host: 'h',
  heartbeatMs: 100,
  slots,
});

describe('ExecutorRegistry', () => {
  it('takes a slot whose link to NATS dropped and came back for a new slot: gone and ready again, named in relinked', () => {
    const registry = new ExecutorRegistry();
    registry.announce(executor([slot('m_0_0'), slot('m_0_1')]), 0);
    const changes = registry.announce(executor([slot('m_0_0', { relinks: 1 }), slot('m_0_1')]), 10);
    expect(changes.gone.map((s) => s.instance)).toEqual(['m_0_0']);
    expect(changes.ready.map((s) => s.instance)).toEqual(['m_0_0']);
    expect(changes.relinked).toEqual(['cpu-1/m/1/m_0_0']);
    // The same count again is no change.
    expect(registry.announce(executor([slot('m_0_0', { relinks: 1 }), slot('m_0_1')]), 20)).toEqual({ ready: [], draining: [], gone: [] });
  });

  it('reports a ready slot turning draining once, and as gone only when it leaves the announcements', () => {
    const registry = new ExecutorRegistry();
    registry.announce(executor([slot('m_0_0'), slot('m_0_1')]), 0);
    const draining = registry.announce(executor([slot('m_0_0', { state: 'draining' }), slot('m_0_1', { state: 'draining' })]), 10);
    expect(draining.draining.map((s) => s.instance)).toEqual(['m_0_0', 'm_0_1']);
    expect(draining.gone).toEqual([]);
    expect(registry.announce(executor([slot('m_0_0', { state: 'draining' }), slot('m_0_1', { state: 'draining' })]), 20)).toEqual({ ready: [], draining: [], gone: [] });
    const partly = registry.announce(executor([slot('m_0_1', { state: 'draining' })]), 30);
    expect(partly.gone.map((s) => s.instance)).toEqual(['m_0_0']);
    expect(registry.leave('cpu-1').gone.map((s) => s.instance)).toEqual(['m_0_1']);
  });

  it('reports newly executable slots once, and ignores loading and passive ones', () => {
    const registry = new ExecutorRegistry();
    const first = registry.announce(executor([slot('m_0_0', { state: 'loading' }), slot('m_0_1', { passive: true })]), 0);
    expect(first.ready).toEqual([]);
    const second = registry.announce(executor([slot('m_0_0'), slot('m_0_1', { passive: true })]), 10);
    expect(second.ready.map((s) => s.instance)).toEqual(['m_0_0']);
    expect(registry.announce(executor([slot('m_0_0')]), 20).ready).toEqual([]);
  });

  it('reports slots that disappear or fail as gone', () => {
    const registry = new ExecutorRegistry();
    registry.announce(executor([slot('a'), slot('b')]), 0);
    const changes = registry.announce(executor([slot('a'), slot('b', { state: 'failed', error: 'boom' })]), 10);
    expect(changes.gone.map((s) => s.instance)).toEqual(['b']);
  });

  it('declares an executor dead after the allowed number of missed heartbeats', () => {
    const registry = new ExecutorRegistry(3);
    registry.announce(executor([slot('a')]), 0);
    expect(registry.expire(300)).toEqual([]);
    const dead = registry.expire(301);
    expect(dead.map((d) => d.executorId)).toEqual(['cpu-1']);
    expect(dead[0].changes.gone.map((s) => s.instance)).toEqual(['a']);
    expect(registry.all()).toEqual([]);
  });

  it('says which announcement a new process with the same executor id replaced, so its totals are not lost', () => {
    const registry = new ExecutorRegistry();
    registry.announce(executor([slot('a')]), 0);
    expect(registry.announce(executor([slot('a')]), 10).replaced).toBeUndefined(); // same process
    const restarted = registry.announce({ ...executor([slot('a')]), pid: 4242 }, 20);
    expect(restarted.replaced?.executorId).toBe('cpu-1');
  });

  it('forgets an executor that leaves cleanly', () => {
    const registry = new ExecutorRegistry();
    registry.announce(executor([slot('a')]), 0);
    const left = registry.leave('cpu-1');
    expect(left.gone).toHaveLength(1);
    expect(left.last?.executorId).toBe('cpu-1'); // its last figures, for whoever keeps totals
    expect(registry.leave('cpu-1').gone).toHaveLength(0);
  });

  it('keeps an executor alive on beats, merges the statistics they carry, and asks for what it missed', () => {
    const registry = new ExecutorRegistry(3);
    expect(registry.beat({ executorId: 'cpu-1', revision: 'r1', heartbeatMs: 100 }, 0)).toBe('unknown');
    registry.announce(executor([slot('a'), slot('b')]), 0);
    const stats = { ...slot('a').stats, executionCount: 7 };
    expect(registry.beat({ executorId: 'cpu-1', revision: 'r1', heartbeatMs: 100, stats: { 'cpu-1/m/1/a': stats } }, 250)).toBe('current');
    expect(registry.get('cpu-1')!.slots.map((s) => s.stats.executionCount)).toEqual([7, 0]);
    // Retired-slot totals ride on beats too, replacing the list held.
    registry.beat({ executorId: 'cpu-1', revision: 'r1', heartbeatMs: 100, retired: [{ name: 'm', version: 1, stats }] }, 250);
    expect(registry.get('cpu-1')!.retired?.map((r) => r.stats.executionCount)).toEqual([7]);
    expect(registry.nextExpiry()).toBe(550);
    expect(registry.expire(550)).toEqual([]);
    expect(registry.beat({ executorId: 'cpu-1', revision: 'r2', heartbeatMs: 100, stats: { 'cpu-1/m/1/b': stats } }, 500)).toBe('stale');
    expect(registry.get('cpu-1')!.slots.map((s) => s.stats.executionCount)).toEqual([7, 0]); // not merged into an old revision
    expect(registry.expire(801).map((d) => d.executorId)).toEqual(['cpu-1']); // stale beats still prove it alive until 800
    expect(registry.nextExpiry()).toBeUndefined();
  });
});
