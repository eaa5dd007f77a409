import { resolveShape } from './resolve-shape';

const simpleInput = { name: 'INPUT0', datatype: 'FP32', shape: [-1, 16] } as const;
const identityInput = { name: 'INPUT0', datatype: 'FP32', shape: [-1, -1] } as const;

describe('resolveShape', () => {
  it('sends batch size 1 for a batching model', () => {
    expect(resolveShape(simpleInput)).toEqual([1, 16]);
  });

  it('keeps fixed dims and turns every variable one into 1 by default', () => {
    expect(resolveShape({ name: 'X', datatype: 'INT32', shape: [3, -1, -1] })).toEqual([3, 1, 1]);
  });

  it('grows the last variable dim to fit --input-bytes', () => {
    expect(resolveShape(identityInput, { inputBytes: 1024 * 1024 })).toEqual([1, 262144]);
    expect(resolveShape({ name: 'X', datatype: 'FP16', shape: [-1, 8, -1, 4] }, { inputBytes: 64 * 8 * 4 * 2 })).toEqual([1, 8, 64, 4]);
  });

  it('refuses byte counts that no whole number of elements fills', () => {
    expect(() => resolveShape(identityInput, { inputBytes: 6 })).toThrow(/multiple of 4/);
    expect(() => resolveShape(simpleInput, { inputBytes: 100 })).toThrow(/multiple of 64/);
    expect(() => resolveShape(identityInput, { inputBytes: 0 })).toThrow();
  });

  it('refuses --input-bytes for a tensor with no variable dim, and for BYTES', () => {
    expect(() => resolveShape({ name: 'X', datatype: 'FP32', shape: [4] }, { inputBytes: 16 })).toThrow(/no variable dimension/);
    expect(() => resolveShape({ name: 'S', datatype: 'BYTES', shape: [-1] }, { inputBytes: 16 })).toThrow(/BYTES/);
  });

  it('takes an explicit shape over everything, if it fits the model', () => {
    expect(resolveShape(simpleInput, { overrides: { INPUT0: [4, 16] }, inputBytes: 8 })).toEqual([4, 16]);
    expect(() => resolveShape(simpleInput, { overrides: { INPUT0: [4, 15] } })).toThrow(/does not fit/);
    expect(() => resolveShape(simpleInput, { overrides: { INPUT0: [16] } })).toThrow(/does not fit/);
  });
});
