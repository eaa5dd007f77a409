// The gateway's routing among several schedulers, with the bus stood in for: which scheduler owns
// a model, how a death or a goodbye moves its models, and that a death fails exactly the requests
// sent to the dead scheduler.
import { ownerOf } from '@flotilla/fleet';
import type { MessageBus } from '@flotilla/transport';
import { SchedulerWatch } from './scheduler-watch';

const MODELS = Array.from({ length: 40 }, (_, i) => `model_${i}`);

function harness() {
  let failedAll = 0;
  const bus = { link: { onChange: () => undefined }, failWaiting: () => ++failedAll } as unknown as MessageBus;
  const watch = new SchedulerWatch(bus);
  watch.onApplicationBootstrap();
  return { watch, failedAll: () => failedAll };
}

const never = () => new Promise<string>(() => undefined);

describe('SchedulerWatch', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('knows no owner before any scheduler beats, then the rendezvous owner among those that do', () => {
    const { watch } = harness();
    expect(watch.ownerOf('simple')).toBeUndefined();
    watch.beat({ schedulerId: 'a', heartbeatMs: 500 });
    watch.beat({ schedulerId: 'b', heartbeatMs: 500 });
    for (const model of MODELS) expect(watch.ownerOf(model)).toBe(ownerOf(model, ['a', 'b']));
    expect(watch.alive).toBe(2);
  });

  it('moves a scheduler’s models when it says goodbye, failing nothing', async () => {
    const { watch, failedAll } = harness();
    watch.beat({ schedulerId: 'a', heartbeatMs: 500 });
    watch.beat({ schedulerId: 'b', heartbeatMs: 500 });
    const model = MODELS.find((name) => watch.ownerOf(name) === 'a')!;
    let settled = false;
    void watch.track('a', never()).catch(() => (settled = true));
    watch.left({ schedulerId: 'a', heartbeatMs: 500 });
    expect(watch.ownerOf(model)).toBe('b');
    for (let t = 0; t < 10; t++) {
      await vi.advanceTimersByTimeAsync(450);
      watch.beat({ schedulerId: 'b', heartbeatMs: 500 });
    }
    expect(settled).toBe(false);
    expect(failedAll()).toBe(0);
  });

  it('moves a scheduler’s models at once when nobody listens on its subject, and fails what it was sent only when its beats run out', async () => {
    const { watch, failedAll } = harness();
    watch.beat({ schedulerId: 'a', heartbeatMs: 500 });
    watch.beat({ schedulerId: 'b', heartbeatMs: 500 });
    const model = MODELS.find((name) => watch.ownerOf(name) === 'a')!;
    const toA = watch.track('a', never());
    const toB = watch.track('b', never());
    let bFailed = false;
    void toB.catch(() => (bFailed = true));
    const aFailure = toA.catch((error: Error) => error.message);

    watch.unreachable('a');
    expect(watch.ownerOf(model)).toBe('b');
    expect(watch.alive).toBe(1);

    // b keeps beating; a is silent for three beat periods
    for (let t = 0; t < 4; t++) {
      await vi.advanceTimersByTimeAsync(450);
      watch.beat({ schedulerId: 'b', heartbeatMs: 500 });
    }
    expect(await aFailure).toMatch(/^the scheduler stopped responding \(scheduler a: no heartbeat for three beats\)/);
    expect(bFailed).toBe(false);
    // b is alive: nothing else on the bus is failed
    expect(failedAll()).toBe(0);
  });

  it('gives a scheduler that beats again after a no-responders its models back', () => {
    const { watch } = harness();
    watch.beat({ schedulerId: 'a', heartbeatMs: 500 });
    watch.beat({ schedulerId: 'b', heartbeatMs: 500 });
    const model = MODELS.find((name) => watch.ownerOf(name) === 'a')!;
    watch.unreachable('a');
    expect(watch.ownerOf(model)).toBe('b');
    watch.beat({ schedulerId: 'a', heartbeatMs: 500 });
    expect(watch.ownerOf(model)).toBe('a');
  });

  it('fails everything waiting on the bus when the last scheduler falls silent', async () => {
    const { watch, failedAll } = harness();
    watch.beat({ schedulerId: 'a', heartbeatMs: 500 });
    await vi.advanceTimersByTimeAsync(1600);
    expect(watch.ownerOf('simple')).toBeUndefined();
    expect(failedAll()).toBe(1);
  });
});
