import { comparePoolKeys, deviceIndex, poolOf } from './pool-key';

describe('pool keys', () => {
  it('counts CPU instances on device 0, as Triton does for KIND_CPU and KIND_MODEL', () => {
    expect(deviceIndex('cpu')).toBe(0);
    expect(poolOf('cpu', false)).toBe(0);
  });

  it('reads a GPU’s index from its device name', () => {
    expect(deviceIndex('gpu:3')).toBe(3);
  });

  it('puts global resources in the global pool whatever the device', () => {
    expect(poolOf('gpu:2', true)).toBe('global');
    expect(poolOf('cpu', true)).toBe('global');
  });

  it('refuses a malformed device name', () => {
    expect(() => deviceIndex('gpu:x' as `gpu:${number}`)).toThrow('not a device name: gpu:x');
  });

  it('orders the global pool first, then devices ascending', () => {
    expect([3, 'global' as const, 0, 10].sort(comparePoolKeys)).toEqual(['global', 0, 3, 10]);
  });
});
