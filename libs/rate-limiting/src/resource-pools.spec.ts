import { parseRateLimitResources } from './rate-limit-resource-option';
import { ResourceLimitError } from './resource-limit-error';
import { ResourcePools, type ResourceNeed } from './resource-pools';

const dev = (pool: number, name: string, count: number): ResourceNeed => ({ pool, name, count });
const glob = (name: string, count: number): ResourceNeed => ({ pool: 'global', name, count });
const totals = (pools: ResourcePools) => pools.snapshot().map(({ pool, name, total }) => `${pool}/${name}=${total}`);

function errorOf(action: () => void): ResourceLimitError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(ResourceLimitError);
    return error as ResourceLimitError;
  }
  throw new Error('expected a ResourceLimitError');
}

describe('ResourcePools', () => {
  describe('without explicit resources', () => {
    it('sizes each resource at the largest count any owner needs (Triton’s documented example)', () => {
      const pools = new ResourcePools();
      pools.add([
        { id: 'A', needs: [dev(0, 'R1', 4), dev(0, 'R2', 4)] },
        { id: 'B', needs: [dev(0, 'R2', 5), dev(0, 'R3', 10), dev(0, 'R4', 5)] },
        { id: 'C', needs: [dev(0, 'R1', 1), dev(0, 'R3', 7), dev(0, 'R4', 2)] },
      ]);
      expect(totals(pools)).toEqual(['0/R1=4', '0/R2=5', '0/R3=10', '0/R4=5']);
    });

    it('sizes each device’s pool separately', () => {
      const pools = new ResourcePools();
      pools.add([{ id: 'a', needs: [dev(0, 'R', 2)] }, { id: 'b', needs: [dev(1, 'R', 5)] }]);
      expect(totals(pools)).toEqual(['0/R=2', '1/R=5']);
    });

    it('recomputes the sizes when an owner is removed', () => {
      const pools = new ResourcePools();
      pools.add([{ id: 'big', needs: [dev(0, 'R1', 4)] }, { id: 'small', needs: [dev(0, 'R1', 3)] }]);
      pools.remove('big');
      expect(totals(pools)).toEqual(['0/R1=3']);
      pools.remove('small');
      expect(pools.snapshot()).toEqual([]);
    });

    it('never refuses an owner for its counts', () => {
      const pools = new ResourcePools();
      expect(() => pools.add([{ id: 'a', needs: [dev(3, 'R', 1000)] }])).not.toThrow();
    });
  });

  describe('with explicit resources', () => {
    it('combines device-less and device entries by max and takes global counts whatever their device (Triton’s example)', () => {
      const explicit = parseRateLimitResources(['R1:10', 'R2:5:0', 'R2:8:1', 'R3:2']);
      const pools = new ResourcePools(explicit);
      pools.add([
        { id: 'gpu0', needs: [dev(0, 'R1', 1), dev(0, 'R2', 1), glob('R3', 1)] },
        { id: 'gpu1', needs: [dev(1, 'R1', 1), dev(1, 'R2', 1), glob('R3', 1)] },
      ]);
      expect(totals(pools)).toEqual(['global/R3=2', '0/R1=10', '0/R2=5', '1/R1=10', '1/R2=8']);
    });

    it('lets a device entry above the device-less one win on that device only', () => {
      const pools = new ResourcePools(parseRateLimitResources(['R:2', 'R:6:1']));
      pools.add([{ id: 'a', needs: [dev(0, 'R', 1)] }, { id: 'b', needs: [dev(1, 'R', 1)] }]);
      expect(totals(pools)).toEqual(['0/R=2', '1/R=6']);
    });

    it('sizes a global resource from device-specific entries too, ignoring their device', () => {
      const pools = new ResourcePools(parseRateLimitResources(['G:3:5', 'G:7:2']));
      pools.add([{ id: 'a', needs: [glob('G', 1)] }]);
      expect(totals(pools)).toEqual(['global/G=7']);
    });

    it('uses the minimum of duplicate flags', () => {
      const pools = new ResourcePools(parseRateLimitResources(['R:9', 'R:4']));
      pools.add([{ id: 'a', needs: [dev(0, 'R', 1)] }]);
      expect(totals(pools)).toEqual(['0/R=4']);
    });

    it('gives a needed resource that is not listed 0, refusing the owner with Triton’s text', () => {
      const pools = new ResourcePools(parseRateLimitResources(['OTHER:5']));
      const error = errorOf(() => pools.add([{ id: 'a', needs: [dev(0, 'R1', 2)] }]));
      expect(error.message).toBe(
        'Resource count for "R1" is limited to 0 which will prevent scheduling of one or more model instances, the minimum required count is 2',
      );
      expect(error.code).toBe('INVALID_ARG');
      expect(error.problem).toEqual({ kind: 'limited', name: 'R1', available: 0, required: 2 });
    });

    it('refuses an owner that needs more than the explicit count, naming the largest need', () => {
      const pools = new ResourcePools(parseRateLimitResources(['R1:3']));
      pools.add([{ id: 'a', needs: [dev(0, 'R1', 3)] }]);
      const error = errorOf(() => pools.add([{ id: 'b', needs: [dev(0, 'R1', 5)] }]));
      expect(error.message).toBe(
        'Resource count for "R1" is limited to 3 which will prevent scheduling of one or more model instances, the minimum required count is 5',
      );
    });

    it('refuses a device with no entry for a resource listed only for another device', () => {
      const pools = new ResourcePools(parseRateLimitResources(['R:4:0']));
      expect(errorOf(() => pools.add([{ id: 'a', needs: [dev(1, 'R', 1)] }])).problem).toEqual({ kind: 'limited', name: 'R', available: 0, required: 1 });
    });

    it('ignores entries no owner needs', () => {
      const pools = new ResourcePools(parseRateLimitResources(['UNUSED:4', 'R:1']));
      pools.add([{ id: 'a', needs: [dev(0, 'R', 1)] }]);
      expect(totals(pools)).toEqual(['0/R=1']);
    });
  });

  it('refuses a name used both globally and per device, with Triton’s text', () => {
    const pools = new ResourcePools();
    pools.add([{ id: 'a', needs: [glob('R', 1)] }]);
    const error = errorOf(() => pools.add([{ id: 'b', needs: [dev(0, 'R', 1)] }]));
    expect(error.message).toBe('Resource "R" is present as both global and device-specific resource in the model configuration.');
    expect(error.code).toBe('INVALID_ARG');
  });

  it('changes nothing when an add fails', () => {
    const pools = new ResourcePools(parseRateLimitResources(['R:2']));
    pools.add([{ id: 'a', needs: [dev(0, 'R', 2)] }]);
    const before = pools.snapshot();
    expect(() => pools.add([{ id: 'ok', needs: [dev(0, 'R', 1)] }, { id: 'bad', needs: [dev(0, 'R', 3)] }])).toThrow(ResourceLimitError);
    expect(pools.snapshot()).toEqual(before);
    expect(() => pools.allocate('ok')).toThrow('unknown owner ok');
    expect(() => pools.add([{ id: 'ok', needs: [dev(0, 'R', 1)] }])).not.toThrow();
  });

  it('refuses an owner id twice', () => {
    const pools = new ResourcePools();
    pools.add([{ id: 'a', needs: [] }]);
    expect(() => pools.add([{ id: 'a', needs: [] }])).toThrow('already registered');
  });

  describe('allocation', () => {
    it('takes all of an owner’s needs or none of them', () => {
      const pools = new ResourcePools(parseRateLimitResources(['X:2', 'Y:1']));
      pools.add([
        { id: 'holdsY', needs: [dev(0, 'Y', 1)] },
        { id: 'needsBoth', needs: [dev(0, 'X', 2), dev(0, 'Y', 1)] },
      ]);
      expect(pools.allocate('holdsY')).toBe(true);
      expect(pools.allocate('needsBoth')).toBe(false);
      expect(pools.snapshot().map((s) => `${s.name}:${s.allocated}`)).toEqual(['X:0', 'Y:1']);
      pools.release('holdsY');
      expect(pools.allocate('needsBoth')).toBe(true);
      expect(pools.snapshot().map((s) => `${s.name}:${s.allocated}`)).toEqual(['X:2', 'Y:1']);
    });

    it('shares a global resource across devices', () => {
      const pools = new ResourcePools(parseRateLimitResources(['G:1']));
      pools.add([{ id: 'gpu0', needs: [glob('G', 1)] }, { id: 'gpu1', needs: [glob('G', 1)] }]);
      expect(pools.allocate('gpu0')).toBe(true);
      expect(pools.allocate('gpu1')).toBe(false);
    });

    it('keeps per-device resources of different devices apart', () => {
      const pools = new ResourcePools(parseRateLimitResources(['R:1']));
      pools.add([{ id: 'gpu0', needs: [dev(0, 'R', 1)] }, { id: 'gpu1', needs: [dev(1, 'R', 1)] }]);
      expect(pools.allocate('gpu0')).toBe(true);
      expect(pools.allocate('gpu1')).toBe(true);
    });

    it('always grants an owner that needs nothing', () => {
      const pools = new ResourcePools();
      pools.add([{ id: 'free', needs: [] }]);
      expect(pools.allocate('free')).toBe(true);
    });

    it('gives back what a removed owner held', () => {
      const pools = new ResourcePools(parseRateLimitResources(['R:1']));
      pools.add([{ id: 'a', needs: [dev(0, 'R', 1)] }, { id: 'b', needs: [dev(0, 'R', 1)] }]);
      pools.allocate('a');
      pools.remove('a');
      expect(pools.allocate('b')).toBe(true);
    });

    it('refuses to release what was not taken, or to take twice', () => {
      const pools = new ResourcePools();
      pools.add([{ id: 'a', needs: [dev(0, 'R', 1)] }]);
      expect(() => pools.release('a')).toThrow('holds nothing');
      pools.allocate('a');
      expect(() => pools.allocate('a')).toThrow('already holds');
    });

    it('grants nothing new from a pool shrunk below what is held until enough is released', () => {
      const pools = new ResourcePools();
      pools.add([{ id: 'big', needs: [dev(0, 'R', 2)] }, { id: 's1', needs: [dev(0, 'R', 1)] }, { id: 's2', needs: [dev(0, 'R', 1)] }]);
      pools.allocate('s1');
      pools.allocate('s2');
      pools.remove('big');
      expect(pools.snapshot()).toEqual([{ pool: 0, name: 'R', total: 1, allocated: 2 }]);
      pools.release('s1');
      expect(pools.allocate('s1')).toBe(false);
      pools.release('s2');
      expect(pools.allocate('s1')).toBe(true);
    });
  });

  it('says whether two owners need a resource in common', () => {
    const pools = new ResourcePools();
    pools.add([
      { id: 'a', needs: [dev(0, 'R', 1)] },
      { id: 'b', needs: [dev(0, 'R', 1), dev(0, 'S', 1)] },
      { id: 'c', needs: [dev(1, 'R', 1)] },
    ]);
    expect(pools.overlap('a', 'b')).toBe(true);
    expect(pools.overlap('a', 'c')).toBe(false);
  });
});

describe('ResourcePools.covers', () => {
  it('holds when every (pool, name) the candidate needs is held in at least that count by the holder', () => {
    const pools = new ResourcePools();
    pools.add([
      { id: 'holder', needs: [{ pool: 0, name: 'R', count: 2 }, { pool: 'global', name: 'G', count: 1 }] },
      { id: 'same', needs: [{ pool: 0, name: 'R', count: 2 }] },
      { id: 'more', needs: [{ pool: 0, name: 'R', count: 3 }] },
      { id: 'elsewhere', needs: [{ pool: 1, name: 'R', count: 1 }] },
      { id: 'zero', needs: [{ pool: 1, name: 'R', count: 0 }, { pool: 'global', name: 'G', count: 1 }] },
    ]);
    const owner = (id: string) => pools.owner(id);
    expect(pools.covers(owner('holder'), owner('same'))).toBe(true);
    expect(pools.covers(owner('holder'), owner('more'))).toBe(false);
    expect(pools.covers(owner('holder'), owner('elsewhere'))).toBe(false);
    expect(pools.covers(owner('holder'), owner('zero'))).toBe(true);
    expect(pools.covers(owner('same'), owner('holder'))).toBe(false);
  });
});
