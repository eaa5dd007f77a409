import { seededRandom, tensorValues } from './tensor-data';

describe('tensorValues', () => {
  it('gives the same random values for the same seed, different ones for another', () => {
    const a = tensorValues('FP32', [2, 4], 'random', 7);
    expect(tensorValues('FP32', [2, 4], 'random', 7).bytes).toEqual(a.bytes);
    expect(tensorValues('FP32', [2, 4], 'random', 8).bytes).not.toEqual(a.bytes);
  });

  it('carries the same numbers in both encodings, little-endian', () => {
    const { bytes, json } = tensorValues('FP32', [3], 'random');
    expect(bytes.byteLength).toBe(12);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    expect([0, 1, 2].map((i) => view.getFloat32(i * 4, true))).toEqual(json);
  });

  it('fills zeros in zero mode', () => {
    const { bytes, json } = tensorValues('INT64', [2], 'zero');
    expect([...bytes]).toEqual(Array(16).fill(0));
    expect(json).toEqual([0, 0]);
  });

  it('sizes every fixed-width type by its element size', () => {
    const sizes = { BOOL: 1, UINT8: 1, INT8: 1, UINT16: 2, INT16: 2, FP16: 2, BF16: 2, UINT32: 4, INT32: 4, FP32: 4, UINT64: 8, INT64: 8, FP64: 8 } as const;
    for (const [datatype, size] of Object.entries(sizes)) {
      const values = tensorValues(datatype as keyof typeof sizes, [5], 'random');
      expect(values.bytes.byteLength, datatype).toBe(5 * size);
      expect(values.json, datatype).toHaveLength(5);
    }
  });

  it('keeps integers small enough for any integer width', () => {
    expect(tensorValues('INT8', [1000], 'random').json.every((v) => typeof v === 'number' && v >= 0 && v < 100)).toBe(true);
  });

  it('encodes BYTES elements with 4-byte little-endian length prefixes', () => {
    const { bytes, json } = tensorValues('BYTES', [2], 'random');
    const first = Buffer.from(json[0] as string);
    expect(Buffer.from(bytes).readUInt32LE(0)).toBe(first.byteLength);
    expect(Buffer.from(bytes).subarray(4, 4 + first.byteLength).toString()).toBe(json[0]);
    expect(bytes.byteLength).toBe(8 + first.byteLength + Buffer.from(json[1] as string).byteLength);
  });

  it('gives BOOL as true/false in JSON and 0/1 bytes', () => {
    const { bytes, json } = tensorValues('BOOL', [64], 'random');
    expect(json.every((v) => typeof v === 'boolean')).toBe(true);
    expect([...bytes]).toEqual(json.map(Number));
  });
});

describe('seededRandom', () => {
  it('stays within [0, 1)', () => {
    const random = seededRandom(1);
    for (let i = 0; i < 1000; i++) {
      const value = random();
      expect(value >= 0 && value < 1).toBe(true);
    }
  });
});
