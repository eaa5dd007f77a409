import fc from 'fast-check';
import type { DeviceName } from '@flotilla/contracts';
import { parseRateLimitResources } from './rate-limit-resource-option';
import { ResourceLimitError } from './resource-limit-error';
import { RateLimiter, type RateLimitedInstance, type RateLimiterResource } from './rate-limiter';
import { rateLimiterFor } from './rate-limiter-for';

const R = (name: string, count = 1, global = false): RateLimiterResource => ({ name, count, global });

function instance(id: string, resources: RateLimiterResource[] = [], priority = 1, device: DeviceName = 'gpu:0'): RateLimitedInstance {
  return { id, model: id.split('_')[0], version: 1, device, resources, priority };
}

/**
 * Keeps every instance always staged: repeatedly releases the instance that has run longest and
 * restages it, as a saturated scheduler would. Returns the executions per instance id.
 */
function saturate(limiter: RateLimiter, ids: readonly string[], executions: number): Map<string, number> {
  const running: string[] = [];
  for (const id of ids) limiter.stage(id);
  running.push(...limiter.grants());
  const counts = new Map(ids.map((id) => [id, 0]));
  for (let done = 0; done < executions; done++) {
    const id = running.shift()!;
    limiter.release(id);
    counts.set(id, counts.get(id)! + 1);
    limiter.stage(id);
    running.push(...limiter.grants());
  }
  return counts;
}

describe('RateLimiter', () => {
  describe('choosing the next instance', () => {
    it('grants the lowest executions × priority first, across models', () => {
      const limiter = new RateLimiter({ explicitResources: parseRateLimitResources(['R:1']) });
      limiter.register([instance('a_0', [R('R')])]);
      limiter.register([instance('b_0', [R('R')], 3)]);
      limiter.stage('a_0');
      expect(limiter.grants()).toEqual(['a_0']);
      limiter.release('a_0'); // a: 1 × 1 = 1; b: 0 × 3 = 0
      limiter.stage('a_0');
      limiter.stage('b_0');
      expect(limiter.grants()).toEqual(['b_0']);
      limiter.release('b_0'); // a: 1; b: 1 × 3 = 3
      limiter.stage('b_0');
      expect(limiter.grants()).toEqual(['a_0']);
    });

    it('breaks ties by registration order, whatever the staging order', () => {
      const limiter = new RateLimiter({ explicitResources: parseRateLimitResources(['R:1']) });
      limiter.register([instance('first_0', [R('R')]), instance('second_0', [R('R')])]);
      limiter.stage('second_0');
      limiter.stage('first_0');
      expect(limiter.grants()).toEqual(['first_0']);
    });

    it('makes every grant that fits at once, so one release can wake several instances', () => {
      const limiter = new RateLimiter({ explicitResources: parseRateLimitResources(['R:2']) });
      limiter.register([instance('big_0', [R('R', 2)]), instance('a_0', [R('R')]), instance('b_0', [R('R')])]);
      limiter.stage('big_0');
      expect(limiter.grants()).toEqual(['big_0']);
      limiter.stage('a_0');
      limiter.stage('b_0');
      expect(limiter.grants()).toEqual([]);
      limiter.release('big_0');
      expect(limiter.grants()).toEqual(['a_0', 'b_0']);
    });

    it('counts CPU instances’ per-device resources on device 0 (Triton’s quirk)', () => {
      const limiter = new RateLimiter({ explicitResources: parseRateLimitResources(['R:1']) });
      limiter.register([instance('cpu_0', [R('R')], 1, 'cpu'), instance('gpu0_0', [R('R')], 1, 'gpu:0'), instance('gpu1_0', [R('R')], 1, 'gpu:1')]);
      for (const id of ['cpu_0', 'gpu0_0', 'gpu1_0']) limiter.stage(id);
      expect(limiter.grants()).toEqual(['cpu_0', 'gpu1_0']);
      expect(limiter.snapshot().instances.map((i) => i.pools)).toEqual([[0], [0], [1]]);
    });

    it('shares global resources across devices', () => {
      const limiter = new RateLimiter({ explicitResources: parseRateLimitResources(['G:1:1']) });
      limiter.register([instance('a_0', [R('G', 1, true)], 1, 'gpu:0'), instance('b_0', [R('G', 1, true)], 1, 'gpu:3')]);
      limiter.stage('a_0');
      limiter.stage('b_0');
      expect(limiter.grants()).toEqual(['a_0']);
      expect(limiter.snapshot().pools).toEqual([{ pool: 'global', name: 'G', total: 1, allocated: 1 }]);
    });

    it('grants instances that need nothing at once', () => {
      const limiter = new RateLimiter();
      limiter.register([instance('free_0'), instance('free_1')]);
      limiter.stage('free_0');
      limiter.stage('free_1');
      expect(limiter.grants()).toEqual(['free_0', 'free_1']);
    });
  });

  describe('fairness under saturation (L0_rate_limiter)', () => {
    it('runs priority-1 and priority-2 models needing one scarce resource about 2:1', () => {
      const limiter = new RateLimiter();
      limiter.register([instance('p1_0', [R('R')], 1)]);
      limiter.register([instance('p2_0', [R('R')], 2)]);
      const counts = saturate(limiter, ['p1_0', 'p2_0'], 300);
      const ratio = counts.get('p1_0')! / counts.get('p2_0')!;
      expect(ratio).toBeGreaterThanOrEqual(1.8);
      expect(ratio).toBeLessThanOrEqual(2.2);
    });

    it('reads priority 0 as 1: two such models run about 1:1 under contention', () => {
      const limiter = new RateLimiter();
      limiter.register([instance('zero_0', [R('R')], 0)]);
      limiter.register([instance('one_0', [R('R')], 1)]);
      const counts = saturate(limiter, ['zero_0', 'one_0'], 300);
      expect(Math.abs(counts.get('zero_0')! - counts.get('one_0')!)).toBeLessThanOrEqual(2);
      expect(limiter.snapshot().instances.map((i) => i.priority)).toEqual([1, 1]);
    });

    it('runs both about equally when resources suffice for both, whatever their priorities', () => {
      const limiter = new RateLimiter({ explicitResources: parseRateLimitResources(['R:2']) });
      limiter.register([instance('p1_0', [R('R')], 1)]);
      limiter.register([instance('p2_0', [R('R')], 2)]);
      const counts = saturate(limiter, ['p1_0', 'p2_0'], 300);
      const [a, b] = [counts.get('p1_0')!, counts.get('p2_0')!];
      expect(Math.abs(a - b) / Math.max(a, b)).toBeLessThanOrEqual(0.1);
    });
  });

  describe('backfill and its starvation bound', () => {
    /** `big` (registered first, so it heads ties) needs both copies of R; four small instances need one each. */
    function contended(maxOvertakes?: number): RateLimiter {
      const limiter = new RateLimiter({ maxOvertakes });
      limiter.register([instance('big_0', [R('R', 2)]), instance('free_0'), instance('other_0', [R('S')])]);
      limiter.register(['s_0', 's_1', 's_2', 's_3'].map((id) => instance(id, [R('R')])));
      return limiter;
    }

    it('grants instances behind a blocked head whose resources are free', () => {
      const limiter = contended();
      limiter.stage('s_0');
      limiter.stage('s_1');
      expect(limiter.grants()).toEqual(['s_0', 's_1']);
      for (const id of ['big_0', 'free_0', 'other_0']) limiter.stage(id);
      expect(limiter.grants()).toEqual(['free_0', 'other_0']);
      expect(limiter.state('big_0')).toBe('staged');
      // They share nothing with big_0, so they do not count against its bound.
      expect(limiter.snapshot().staged).toMatchObject([{ id: 'big_0', overtakes: 0 }]);
    });

    /**
     * The small instances keep R busy: whenever one finishes it is restaged, so there is always a
     * small one wanting the copy just freed. Returns how many small grants came between big's
     * staging and its grant.
     */
    function overtakesUnderPressure(limiter: RateLimiter): number {
      const running: string[] = [];
      limiter.stage('s_0');
      limiter.stage('s_1');
      running.push(...limiter.grants());
      limiter.stage('big_0');
      limiter.stage('s_2');
      limiter.stage('s_3');
      running.push(...limiter.grants());
      let overtakes = 0;
      for (let step = 0; step < 100; step++) {
        const id = running.shift()!;
        limiter.release(id);
        limiter.stage(id);
        const granted = limiter.grants();
        if (granted.includes('big_0')) return overtakes + granted.indexOf('big_0');
        overtakes += granted.length;
        running.push(...granted);
      }
      throw new Error('big_0 was never granted');
    }

    it.each([0, 1, 3, 10])('grants the blocked head after at most maxOvertakes = %i contending backfills', (bound) => {
      const overtakes = overtakesUnderPressure(contended(bound));
      expect(overtakes).toBeLessThanOrEqual(bound);
      if (bound > 0) expect(overtakes).toBe(bound); // the pressure is constant, so the bound is reached
    });

    it('defaults the bound to the number of registered instances', () => {
      expect(overtakesUnderPressure(contended())).toBe(7);
    });

    it('keeps backfilling instances that share nothing with a head it reserves for', () => {
      const limiter = contended(0);
      limiter.stage('s_0');
      limiter.stage('s_1');
      limiter.grants();
      limiter.stage('big_0');
      limiter.grants();
      limiter.release('s_0');
      limiter.stage('s_2');
      limiter.stage('free_0');
      limiter.stage('other_0');
      expect(limiter.grants()).toEqual(['free_0', 'other_0']);
      expect(limiter.snapshot().staged.map((s) => s.id)).toEqual(['big_0', 's_2']);
    });

    it('reports how often the head was overtaken', () => {
      const limiter = contended(5);
      limiter.stage('s_0');
      limiter.stage('s_1');
      limiter.grants();
      limiter.stage('big_0');
      limiter.stage('s_2');
      limiter.grants();
      limiter.release('s_0');
      limiter.grants();
      expect(limiter.snapshot().staged[0]).toMatchObject({ id: 'big_0', overtakes: 1 });
    });
  });

  describe('registration and removal', () => {
    it('registers all of a model’s instances or none of them', () => {
      const limiter = new RateLimiter({ explicitResources: parseRateLimitResources(['R:1']) });
      expect(() => limiter.register([instance('m_0', [R('R')]), instance('m_1', [R('R', 2)])])).toThrow(ResourceLimitError);
      expect(limiter.snapshot().instances).toEqual([]);
      expect(() => limiter.stage('m_0')).toThrow('unknown instance m_0');
    });

    it('refuses a name used globally by one model and per device by another', () => {
      const limiter = new RateLimiter();
      limiter.register([instance('a_0', [R('R', 1, true)])]);
      expect(() => limiter.register([instance('b_0', [R('R')])])).toThrow(
        'Resource "R" is present as both global and device-specific resource in the model configuration.',
      );
    });

    it('gives back a removed allocated instance’s resources, so a waiter can be granted', () => {
      const limiter = new RateLimiter();
      limiter.register([instance('a_0', [R('R')]), instance('b_0', [R('R')])]);
      limiter.stage('a_0');
      limiter.stage('b_0');
      expect(limiter.grants()).toEqual(['a_0']);
      limiter.remove('a_0');
      expect(limiter.grants()).toEqual(['b_0']);
    });

    it('takes a removed staged instance out of the order', () => {
      const limiter = new RateLimiter({ explicitResources: parseRateLimitResources(['R:1']) });
      limiter.register([instance('a_0', [R('R')]), instance('b_0', [R('R')])]);
      limiter.stage('a_0');
      limiter.remove('a_0');
      limiter.stage('b_0');
      expect(limiter.grants()).toEqual(['b_0']);
      expect(() => limiter.state('a_0')).toThrow('unknown instance a_0');
    });

    it('recomputes default pool sizes when instances are removed', () => {
      const limiter = new RateLimiter();
      limiter.register([instance('a_0', [R('R1', 4)])]);
      limiter.register([instance('b_0', [R('R1', 3)])]);
      expect(limiter.snapshot().pools).toEqual([{ pool: 0, name: 'R1', total: 4, allocated: 0 }]);
      limiter.remove('a_0');
      expect(limiter.snapshot().pools).toEqual([{ pool: 0, name: 'R1', total: 3, allocated: 0 }]);
    });

    it('starts a newly registered instance at 0 executions', () => {
      const limiter = new RateLimiter({ explicitResources: parseRateLimitResources(['R:1']) });
      limiter.register([instance('old_0', [R('R')])]);
      saturate(limiter, ['old_0'], 5);
      limiter.register([instance('new_0', [R('R')])]);
      limiter.release(limiter.snapshot().instances.find((i) => i.state === 'allocated')!.id);
      limiter.stage('old_0');
      limiter.stage('new_0');
      expect(limiter.grants()).toEqual(['new_0']);
    });
  });

  describe('illegal calls', () => {
    it('throws on transitions its state does not allow', () => {
      const limiter = new RateLimiter();
      limiter.register([instance('a_0')]);
      expect(() => limiter.release('a_0')).toThrow('instance a_0: cannot release while idle');
      expect(() => limiter.unstage('a_0')).toThrow('instance a_0: cannot unstage while idle');
      limiter.stage('a_0');
      expect(() => limiter.stage('a_0')).toThrow('instance a_0: cannot stage while staged');
      limiter.grants();
      expect(() => limiter.stage('a_0')).toThrow('instance a_0: cannot stage while allocated');
    });

    it('refuses an id registered twice and unknown ids', () => {
      const limiter = new RateLimiter();
      limiter.register([instance('a_0')]);
      expect(() => limiter.register([instance('a_0')])).toThrow('already registered');
      expect(() => limiter.remove('zz')).toThrow('unknown instance zz');
    });

    it('refuses a negative or fractional bound', () => {
      expect(() => new RateLimiter({ maxOvertakes: -1 })).toThrow('maxOvertakes');
      expect(() => new RateLimiter({ maxOvertakes: 1.5 })).toThrow('maxOvertakes');
    });
  });

  it('unstages an instance whose work went elsewhere', () => {
    const limiter = new RateLimiter({ explicitResources: parseRateLimitResources(['R:1']) });
    limiter.register([instance('a_0', [R('R')]), instance('b_0', [R('R')])]);
    limiter.stage('a_0');
    limiter.unstage('a_0');
    limiter.stage('b_0');
    expect(limiter.grants()).toEqual(['b_0']);
    expect(limiter.state('a_0')).toBe('idle');
  });

  it('snapshots pools, the staged order with wait times, and every instance', () => {
    let now = 1000;
    const limiter = new RateLimiter({ explicitResources: parseRateLimitResources(['R:1']), clock: () => now });
    limiter.register([instance('a_0', [R('R')]), instance('b_0', [R('R')], 2)]);
    limiter.stage('a_0');
    limiter.grants();
    now = 1010;
    limiter.stage('b_0');
    now = 1250;
    expect(limiter.snapshot()).toEqual({
      pools: [{ pool: 0, name: 'R', total: 1, allocated: 1 }],
      staged: [{ id: 'b_0', waitingMs: 240, overtakes: 0 }],
      instances: [
        { id: 'a_0', model: 'a', version: 1, device: 'gpu:0', pools: [0], priority: 1, executions: 0, handOvers: 0, state: 'allocated' },
        { id: 'b_0', model: 'b', version: 1, device: 'gpu:0', pools: [0], priority: 2, executions: 0, handOvers: 0, state: 'staged' },
      ],
    });
  });

  describe('with --rate-limit=off', () => {
    it('has no rate limiter, so nothing is registered or refused', () => {
      expect(rateLimiterFor('off', { explicitResources: parseRateLimitResources(['R:0']) })).toBeUndefined();
    });

    it('has one with execution_count, which enforces the same resources', () => {
      const limiter = rateLimiterFor('execution_count', { explicitResources: parseRateLimitResources(['R:0']) })!;
      expect(() => limiter.register([instance('a_0', [R('R')])])).toThrow('Resource count for "R" is limited to 0');
    });
  });

  describe('properties', () => {
    const ids = ['a_0', 'a_1', 'b_0', 'b_1', 'c_0', 'd_0'];
    const operation = fc.tuple(fc.constantFrom('stage', 'unstage', 'release', 'remove', 'register'), fc.constantFrom(...ids));
    const operations = (kinds: readonly string[]) => fc.array(operation.filter(([op]) => kinds.includes(op)), { minLength: 20, maxLength: 300 });

    /** Resources chosen to contend: R on device 0 (cpu too), R on device 1, global G. */
    const specs: Record<string, RateLimitedInstance> = {
      a_0: instance('a_0', [R('R', 2), R('G', 1, true)], 1, 'cpu'),
      a_1: instance('a_1', [R('R', 1)], 1, 'gpu:0'),
      b_0: instance('b_0', [R('R', 3)], 2, 'gpu:1'),
      b_1: instance('b_1', [R('G', 2, true)], 2, 'gpu:0'),
      c_0: instance('c_0', [], 1, 'gpu:1'),
      d_0: instance('d_0', [R('R', 1), R('G', 1, true)], 3, 'gpu:1'),
    };

    type Check = (before: Map<string, number>, after: Map<string, number>, totals: Map<string, number>) => void;

    /**
     * Registers every instance, then applies the operations that are legal in each instance's
     * state (others are skipped), calling `grants()` after each as a caller would, and checks the
     * pools after every step. Returns how many grants were made, so the tests can show they
     * exercised allocation at all.
     */
    function run(explicit: string[], ops: [string, string][], maxOvertakes: number | undefined, check: Check): number {
      const limiter = new RateLimiter({ explicitResources: parseRateLimitResources(explicit), maxOvertakes });
      const registered = new Set(ids);
      limiter.register(ids.map((id) => specs[id]));
      const pools = () => limiter.snapshot().pools;
      const byKey = (field: 'allocated' | 'total') => new Map(pools().map((p) => [`${p.pool}/${p.name}`, p[field]]));
      let granted = limiter.grants().length;
      for (const [op, id] of ops) {
        const before = byKey('allocated');
        const state = registered.has(id) ? limiter.state(id) : undefined;
        if (op === 'register' && state === undefined) {
          limiter.register([specs[id]]);
          registered.add(id);
        } else if (op === 'stage' && state === 'idle') limiter.stage(id);
        else if (op === 'unstage' && state === 'staged') limiter.unstage(id);
        else if (op === 'release' && state === 'allocated') limiter.release(id);
        else if (op === 'remove' && state !== undefined) {
          limiter.remove(id);
          registered.delete(id);
        } else continue;
        granted += limiter.grants().length;
        check(before, byKey('allocated'), byKey('total'));
        for (const p of pools()) expect(p.allocated).toBeGreaterThanOrEqual(0);
      }
      return granted;
    }

    it('never allocates beyond a pool’s total without removals', () => {
      let granted = 0;
      fc.assert(
        fc.property(operations(['stage', 'unstage', 'release']), fc.option(fc.nat(4), { nil: undefined }), (ops, bound) => {
          granted += run(['R:3', 'G:2'], ops, bound, (_before, after, totals) => {
            for (const [key, held] of after) expect(held).toBeLessThanOrEqual(totals.get(key)!);
          });
        }),
      );
      expect(granted).toBeGreaterThan(100);
    });

    it('never raises a pool above its total, even when removals shrink it (default sizing)', () => {
      let granted = 0;
      fc.assert(
        fc.property(operations(['stage', 'unstage', 'release', 'remove', 'register']), fc.option(fc.nat(4), { nil: undefined }), (ops, bound) => {
          granted += run([], ops, bound, (before, after, totals) => {
            for (const [key, held] of after) if (held > totals.get(key)!) expect(held).toBeLessThanOrEqual(before.get(key) ?? 0);
          });
        }),
      );
      expect(granted).toBeGreaterThan(100);
    });
  });
});

describe('RateLimiter.giveBack', () => {
  it('returns an unused grant’s resources without counting an execution, so the next waiter gets them', () => {
    const limiter = new RateLimiter({ explicitResources: parseRateLimitResources(['R:1']) });
    const needsR = (id: string) => ({ id, model: id, version: 1, device: 'gpu:0' as const, resources: [{ name: 'R', global: false, count: 1 }], priority: 1 });
    limiter.register([needsR('a')]);
    limiter.register([needsR('b')]);
    limiter.stage('a');
    limiter.stage('b');
    expect(limiter.grants()).toEqual(['a']);
    limiter.giveBack('a');
    expect(limiter.state('a')).toBe('idle');
    expect(limiter.snapshot().instances.find((i) => i.id === 'a')?.executions).toBe(0);
    expect(limiter.grants()).toEqual(['b']);
    expect(() => limiter.giveBack('a')).toThrow('instance a: cannot give back while idle');
  });
});

describe('RateLimiter.adopt (after a restart)', () => {
  it('counts an execution it never granted as holding its resources, so nothing is allocated twice', () => {
    const limiter = new RateLimiter({ explicitResources: parseRateLimitResources(['R:1']) });
    const needsR = (id: string) => ({ id, model: id, version: 1, device: 'gpu:0' as const, resources: [{ name: 'R', global: false, count: 1 }], priority: 1 });
    limiter.register([needsR('running')]);
    limiter.register([needsR('waiting')]);
    limiter.stage('waiting');
    limiter.adopt('running');
    expect(limiter.grants()).toEqual([]);
    expect(limiter.snapshot().pools).toEqual([{ pool: 0, name: 'R', total: 1, allocated: 1 }]);
    limiter.release('running');
    expect(limiter.grants()).toEqual(['waiting']);
    expect(() => limiter.adopt('waiting')).toThrow('instance waiting: cannot adopt while allocated');
  });
});

describe('RateLimiter.needsResources', () => {
  it('tells instances that need something from a pool from those that need nothing (no resources, or counts of 0)', () => {
    const limiter = new RateLimiter();
    limiter.register([instance('free_0', []), instance('zero_0', [R('R', 0)]), instance('busy_0', [R('R')], 2)]);
    expect([limiter.needsResources('free_0'), limiter.needsResources('zero_0'), limiter.needsResources('busy_0')]).toEqual([false, false, true]);
  });
});

describe('RateLimiter.successorOf (the in-process hand-over)', () => {
  const anyone = () => true;

  function exclusivePair(): RateLimiter {
    const limiter = new RateLimiter({ explicitResources: parseRateLimitResources(['R:1']) });
    limiter.register([instance('a_0', [R('R')]), instance('a_1', [R('R')])]);
    return limiter;
  }

  it('predicts the head of the staged order when the holder holds everything it needs', () => {
    const limiter = exclusivePair();
    limiter.stage('a_0');
    limiter.stage('a_1');
    expect(limiter.grants()).toEqual(['a_0']);
    expect(limiter.successorOf('a_0', false, anyone)).toBe('a_1');
  });

  it('predicts the holder itself when it is staged again and its next turn sorts first', () => {
    const limiter = new RateLimiter({ explicitResources: parseRateLimitResources(['R:1']) });
    limiter.register([instance('often_0', [R('R')], 1)]);
    limiter.register([instance('rarely_0', [R('R')], 2)]);
    limiter.stage('often_0');
    expect(limiter.grants()).toEqual(['often_0']);
    limiter.release('often_0'); // often: 1 × 1; rarely: 0 × 2
    limiter.stage('often_0');
    limiter.stage('rarely_0');
    expect(limiter.grants()).toEqual(['rarely_0']);
    limiter.release('rarely_0'); // rarely: 1 × 2 = 2
    limiter.stage('rarely_0');
    expect(limiter.grants()).toEqual(['often_0']);
    // often would be at 2 × 1 after this execution, rarely waits at 2: a tie, often registered first.
    expect(limiter.successorOf('often_0', true, anyone)).toBe('often_0');
    // Not staged again yet, but it may be before it finishes, and would then go first: no prediction.
    expect(limiter.successorOf('often_0', false, anyone)).toBeUndefined();
    limiter.release('often_0'); // often: 2 × 1 = 2 ≤ rarely: 2, and often wins the tie
    limiter.stage('often_0');
    expect(limiter.grants()).toEqual(['often_0']);
    // often would be at 3 now, rarely still 2: rarely goes next whether or not often is staged again.
    expect(limiter.successorOf('often_0', false, anyone)).toBe('rarely_0');
    expect(limiter.successorOf('often_0', true, anyone)).toBe('rarely_0');
  });

  it('predicts nothing when the head needs more than the holder holds, or another pool', () => {
    const limiter = new RateLimiter({ explicitResources: parseRateLimitResources(['R:2', 'S:1']) });
    limiter.register([instance('small_0', [R('R', 1)]), instance('big_0', [R('R', 2)]), instance('other_0', [R('S', 1)]), instance('both_0', [R('R', 1), R('S', 1)])]);
    limiter.stage('small_0');
    limiter.stage('big_0');
    expect(limiter.grants()).toEqual(['small_0']);
    expect(limiter.successorOf('small_0', false, anyone)).toBeUndefined(); // big needs 2 of R, small holds 1
    limiter.unstage('big_0');
    limiter.stage('both_0');
    expect(limiter.grants()).toEqual(['both_0']);
    limiter.stage('other_0');
    expect(limiter.successorOf('small_0', false, anyone)).toBeUndefined(); // other needs S, small holds none
    expect(limiter.successorOf('both_0', false, anyone)).toBe('other_0');
  });

  it('counts a hand-over as an adopted execution, and shows it', () => {
    const limiter = exclusivePair();
    limiter.stage('a_0');
    limiter.stage('a_1');
    limiter.grants();
    limiter.release('a_0');
    limiter.takeHandOver('a_1');
    expect(limiter.state('a_1')).toBe('allocated');
    expect(limiter.snapshot().pools).toEqual([{ pool: 0, name: 'R', total: 1, allocated: 1 }]);
    expect(limiter.snapshot().instances.map((i) => [i.id, i.executions, i.handOvers])).toEqual([
      ['a_0', 1, 0],
      ['a_1', 0, 1],
    ]);
  });

  it('predicts nothing when the caller cannot hand over to the instance the limiter would pick', () => {
    const limiter = exclusivePair();
    limiter.stage('a_0');
    limiter.stage('a_1');
    limiter.grants();
    expect(limiter.successorOf('a_0', false, (id) => id !== 'a_1')).toBeUndefined();
    expect(limiter.successorOf('a_0', false, anyone)).toBe('a_1');
  });

  it('predicts nothing with nobody staged, and refuses a holder that holds nothing', () => {
    const limiter = exclusivePair();
    limiter.stage('a_0');
    limiter.grants();
    expect(limiter.successorOf('a_0', false, anyone)).toBeUndefined();
    expect(() => limiter.successorOf('a_1', false, anyone)).toThrow('instance a_1 cannot have a successor while idle');
  });

  it('predicts the successor’s own successor, for it to know before it starts', () => {
    const limiter = exclusivePair();
    limiter.stage('a_0');
    limiter.stage('a_1');
    expect(limiter.grants()).toEqual(['a_0']);
    expect(limiter.successorAfterHandOver('a_0', 'a_1', false, anyone)).toBeUndefined(); // nobody else waits
    // a_0 staged again: after it hands over, a_0 (1 execution) waits, a_1 (0, then 1) executes; a_0 registered first.
    expect(limiter.successorAfterHandOver('a_0', 'a_1', true, anyone)).toBe('a_0');
    expect(limiter.successorAfterHandOver('a_0', 'a_1', true, (id) => id !== 'a_0')).toBeUndefined();
    expect(() => limiter.successorAfterHandOver('a_1', 'a_0', true, anyone)).toThrow('instance a_1 cannot hand over while staged');
    expect(() => limiter.successorAfterHandOver('a_0', 'a_0', true, anyone)).toThrow('instance a_0 cannot be handed over to while allocated');
  });

  it('keeps priorities: handing over every time it can, priority 1 runs twice as often as priority 2', () => {
    const limiter = new RateLimiter({ explicitResources: parseRateLimitResources(['R:1']) });
    limiter.register([instance('p1_0', [R('R')], 1)]);
    limiter.register([instance('p2_0', [R('R')], 2)]);
    limiter.stage('p1_0');
    limiter.stage('p2_0');
    let running = limiter.grants()[0];
    const counts = new Map([['p1_0', 0], ['p2_0', 0]]);
    let handedOver = 0;
    for (let i = 0; i < 3000; i++) {
      // Saturated: the holder is staged again behind its execution; the prediction is made then.
      const next = limiter.successorOf(running, true, anyone);
      limiter.release(running);
      counts.set(running, counts.get(running)! + 1);
      if (next !== undefined) {
        handedOver++;
        limiter.adopt(next);
        if (next !== running) limiter.stage(running);
        running = next;
      } else {
        limiter.stage(running);
        running = limiter.grants()[0];
      }
    }
    expect(handedOver).toBe(3000);
    expect(counts.get('p1_0')! / counts.get('p2_0')!).toBeCloseTo(2, 2);
  });

  it('predicts exactly the first grant the holder’s release would make (property)', () => {
    const ids = ['a_0', 'a_1', 'b_0', 'b_1', 'c_0'];
    const specs: Record<string, RateLimitedInstance> = {
      a_0: instance('a_0', [R('R', 1)], 1, 'cpu'),
      a_1: instance('a_1', [R('R', 1)], 1, 'gpu:0'),
      b_0: instance('b_0', [R('R', 2), R('G', 1, true)], 2, 'gpu:0'),
      b_1: instance('b_1', [R('G', 1, true)], 3, 'gpu:1'),
      c_0: instance('c_0', [R('R', 1), R('G', 1, true)], 1, 'gpu:0'),
    };
    const step = fc.tuple(fc.constantFrom('stage', 'unstage', 'release', 'predict', 'predict two'), fc.constantFrom(...ids), fc.boolean(), fc.boolean());
    let predicted = 0;
    fc.assert(
      fc.property(fc.array(step, { minLength: 10, maxLength: 200 }), fc.constantFrom(['R:2', 'G:1'], ['R:2', 'G:2'], ['R:3', 'G:1']), (steps, explicit) => {
        const limiter = new RateLimiter({ explicitResources: parseRateLimitResources(explicit) });
        limiter.register(ids.map((id) => specs[id]));
        for (const [op, id, restage, restageLater] of steps) {
          const state = limiter.state(id);
          if (op === 'stage' && state === 'idle') limiter.stage(id);
          else if (op === 'unstage' && state === 'staged') limiter.unstage(id);
          else if (op === 'release' && state === 'allocated') limiter.release(id);
          else if (op === 'predict' && state === 'allocated') {
            const next = limiter.successorOf(id, restage, anyone);
            if (next === undefined) continue;
            predicted++;
            limiter.release(id);
            // A holder predicted as not staged again may still be, before it releases: no matter.
            if (restage || restageLater) limiter.stage(id);
            expect(limiter.grants()[0]).toBe(next);
            continue;
          } else if (op === 'predict two' && state === 'allocated') {
            const next = limiter.successorOf(id, restage, anyone);
            if (next === undefined || next === id) continue;
            const after = limiter.successorAfterHandOver(id, next, restage, anyone);
            if (after === undefined) continue;
            limiter.release(id);
            if (restage) limiter.stage(id);
            limiter.adopt(next); // the hand-over
            limiter.release(next);
            if (restageLater) limiter.stage(next); // staged again while it executed, or not
            expect(limiter.grants()[0]).toBe(after);
            continue;
          }
          limiter.grants();
        }
      }),
      { numRuns: 500 },
    );
    expect(predicted).toBeGreaterThan(100);
  });

  it('predicts two steps ahead exactly, on one contended resource with mixed priorities (property)', () => {
    let predictedTwo = 0;
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 2, maxLength: 4 }), fc.array(fc.tuple(fc.boolean(), fc.boolean(), fc.nat(3)), { minLength: 5, maxLength: 60 }), (priorities, steps) => {
        const limiter = new RateLimiter({ explicitResources: parseRateLimitResources(['R:1']) });
        const ids = priorities.map((_, i) => `m${i}_0`);
        limiter.register(priorities.map((priority, i) => instance(ids[i], [R('R')], priority)));
        for (const id of ids) limiter.stage(id);
        let holder = limiter.grants()[0];
        for (const [restage, restageLater, unstage] of steps) {
          // Between executions, waiters come and go; the predictions are made after that.
          for (const id of ids) if (limiter.state(id) === 'idle') limiter.stage(id);
          const staged = ids.filter((id) => limiter.state(id) === 'staged');
          if (staged.length > 1 && unstage < staged.length) limiter.unstage(staged[unstage]);
          const next = limiter.successorOf(holder, restage, anyone);
          const after = next !== undefined && next !== holder ? limiter.successorAfterHandOver(holder, next, restage, anyone) : undefined;
          limiter.release(holder);
          if (restage) limiter.stage(holder);
          const granted = limiter.grants();
          if (next !== undefined) expect(granted[0]).toBe(next);
          if (granted.length === 0) return;
          const running = granted[0];
          limiter.release(running);
          if (restageLater) limiter.stage(running);
          const second = limiter.grants();
          if (after !== undefined) {
            predictedTwo++;
            expect(second[0]).toBe(after);
          }
          if (second.length === 0) return;
          holder = second[0];
        }
      }),
      { numRuns: 300 },
    );
    expect(predictedTwo).toBeGreaterThan(100);
  });
});
