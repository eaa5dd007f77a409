import type { Tensor } from '@flotilla/contracts';
import { concatAlongBatch, splitAlongBatch, validateBytesElements } from './batch-tensors';

const typed = {
  FP32: Float32Array,
  FP64: Float64Array,
  INT8: Int8Array,
  INT32: Int32Array,
  INT64: BigInt64Array,
  UINT16: Uint16Array,
} as const;

/** A numeric tensor whose element i holds `first + i`. */
function numeric(datatype: keyof typeof typed, shape: number[], first: number, name = 'X'): Tensor {
  const count = shape.reduce((a, b) => a * b, 1);
  const values = Array.from({ length: count }, (_, i) => first + i);
  const array = datatype === 'INT64' ? new BigInt64Array(values.map(BigInt)) : new typed[datatype](values);
  return { name, datatype, shape, data: new Uint8Array(array.buffer) };
}

/** A BYTES tensor of these strings, length-prefixed as on the wire. */
function bytes(shape: number[], strings: string[], name = 'S'): Tensor {
  const encoded = strings.map((s) => Buffer.from(s, 'utf8'));
  const data = Buffer.alloc(encoded.reduce((sum, e) => sum + 4 + e.byteLength, 0));
  let offset = 0;
  for (const e of encoded) {
    data.writeUInt32LE(e.byteLength, offset);
    e.copy(data, offset + 4);
    offset += 4 + e.byteLength;
  }
  return { name, datatype: 'BYTES', shape, data: new Uint8Array(data) };
}

const hex = (tensor: Tensor) => Buffer.from(tensor.data).toString('hex');

describe('concatAlongBatch and splitAlongBatch', () => {
  it.each(['FP32', 'FP64', 'INT8', 'INT32', 'INT64', 'UINT16'] as const)('join requests of 1 + 2 + 3 rows of %s and cut them back byte for byte', (datatype) => {
    const parts = [numeric(datatype, [1, 4], 0), numeric(datatype, [2, 4], 100), numeric(datatype, [3, 4], 50)];
    const joined = concatAlongBatch(parts);
    expect(joined.shape).toEqual([6, 4]);
    expect(joined.datatype).toBe(datatype);
    expect(hex(joined)).toBe(parts.map(hex).join(''));
    const cut = splitAlongBatch(joined, [1, 2, 3]);
    expect(cut.map((t) => t.shape)).toEqual([
      [1, 4],
      [2, 4],
      [3, 4],
    ]);
    expect(cut.map(hex)).toEqual(parts.map(hex));
  });

  it('joins and cuts BYTES rows of different lengths, empty strings and multi-byte UTF-8 included', () => {
    const parts = [bytes([1, 2], ['a', '']), bytes([2, 2], ['héllo', 'wörld', 'x', 'yz']), bytes([3, 2], ['', '', '日本', 'q', 'longer string', 'z'])];
    const joined = concatAlongBatch(parts);
    expect(joined.shape).toEqual([6, 2]);
    const cut = splitAlongBatch(joined, [1, 2, 3]);
    expect(cut.map((t) => t.shape[0])).toEqual([1, 2, 3]);
    expect(cut.map(hex)).toEqual(parts.map(hex));
  });

  it('keeps higher-rank rows together (3-D tensors)', () => {
    const parts = [numeric('FP32', [2, 3, 2], 0), numeric('FP32', [1, 3, 2], 1000)];
    const cut = splitAlongBatch(concatAlongBatch(parts), [2, 1]);
    expect(cut.map(hex)).toEqual(parts.map(hex));
    expect(cut[1].shape).toEqual([1, 3, 2]);
  });

  it('returns a single part as it is, and cuts without copying', () => {
    const lone = numeric('FP32', [2, 4], 0);
    expect(concatAlongBatch([lone])).toBe(lone);
    expect(splitAlongBatch(lone, [2])).toEqual([lone]);
    const joined = concatAlongBatch([lone, lone]);
    const [first] = splitAlongBatch(joined, [2, 2]);
    expect(first.data.buffer).toBe(joined.data.buffer);
  });

  it('refuses parts that differ beyond dim 0, or in datatype, naming both', () => {
    expect(() => concatAlongBatch([numeric('FP32', [1, 4], 0), numeric('FP32', [1, 5], 0)])).toThrow("cannot batch 'X' FP32 [1,5] with 'X' FP32 [1,4]");
    expect(() => concatAlongBatch([numeric('FP32', [1, 4], 0), numeric('INT32', [1, 4], 0)])).toThrow(/cannot batch 'X' INT32/);
    expect(() => concatAlongBatch([])).toThrow(/empty/);
  });

  it('refuses to cut by rows that do not add up to the first dimension, or a scalar', () => {
    expect(() => splitAlongBatch(numeric('FP32', [3, 2], 0), [1, 1])).toThrow("output 'X' has 3 rows (shape [3,2]) but the batch's requests have 2");
    expect(() => splitAlongBatch({ name: 'X', datatype: 'FP32', shape: [], data: new Uint8Array(4) }, [1])).toThrow(/scalar/);
    const short = bytes([2, 1], ['a', 'b']);
    expect(() => splitAlongBatch({ ...short, shape: [3, 1] }, [1, 2])).toThrow(/ends before its last row/);
  });
});

describe('validateBytesElements', () => {
  it('accepts a BYTES tensor with exactly its shape of elements, and ignores other datatypes', () => {
    expect(() => validateBytesElements(bytes([2, 2], ['a', 'b', '', 'd']))).not.toThrow();
    expect(() => validateBytesElements(numeric('FP32', [1, 3], 0))).not.toThrow();
  });

  it('refuses surplus, missing and truncated elements, naming the input and the request', () => {
    expect(() => validateBytesElements(bytes([1, 2], ['a', 'b', 'c']), 'r7')).toThrow("[request id: r7] BYTES input 'S' holds 3 element(s), but its shape [1,2] needs 2");
    expect(() => validateBytesElements(bytes([1, 2], ['a']))).toThrow("BYTES input 'S' holds 1 element(s), but its shape [1,2] needs 2");
    const whole = bytes([1, 1], ['abcdef']);
    expect(() => validateBytesElements({ ...whole, data: whole.data.subarray(0, 7) })).toThrow(/ends inside an element/);
  });
});
