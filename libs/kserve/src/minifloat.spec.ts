import { fromBfloat16Bits, fromFloat16Bits, toBfloat16Bits, toFloat16Bits } from './minifloat';

/** Every 16-bit pattern whose value does not convert back to the same bits (NaNs excepted). */
function nonRoundTripping(decode: (bits: number) => number, encode: (value: number) => number): number[] {
  const failures: number[] = [];
  for (let bits = 0; bits <= 0xffff; bits++) {
    const value = decode(bits);
    if (!Number.isNaN(value) && encode(value) !== bits) failures.push(bits);
  }
  return failures;
}

describe('FP16', () => {
  it.each([
    [1.0, 0x3c00],
    [-2.0, 0xc000],
    [0.5, 0x3800],
    [65504, 0x7bff], // largest finite
    [65519.99, 0x7bff], // just below the halfway point to infinity
    [65520, 0x7c00], // halfway to 2^16 rounds to even, which is infinity
    [1e6, 0x7c00],
    [-1e6, 0xfc00],
    [Infinity, 0x7c00],
    [-Infinity, 0xfc00],
    [2 ** -14, 0x0400], // smallest normal
    [2 ** -24, 0x0001], // smallest subnormal
    [2 ** -25, 0x0000], // halfway to the smallest subnormal: ties to even (zero)
    [1.5 * 2 ** -25, 0x0001],
    [3 * 2 ** -25, 0x0002], // 1.5 subnormal steps: ties to even (2)
    [2 ** -14 - 2 ** -25, 0x0400], // rounds up out of the subnormals into the smallest normal
    [0, 0x0000],
    [-0, 0x8000],
    [1 + 2 ** -11, 0x3c00], // tie between 1 and the next half: even mantissa wins
    [1 + 3 * 2 ** -11, 0x3c02],
    [0.1, 0x2e66],
  ])('%d ⇒ %s', (value, bits) => {
    expect(toFloat16Bits(value).toString(16)).toBe(bits.toString(16));
  });

  it('rounds once, from float64 (float32 first would make this a tie and round down)', () => {
    expect(Math.fround(1 + 2 ** -11 + 2 ** -40)).toBe(1 + 2 ** -11);
    expect(toFloat16Bits(1 + 2 ** -11 + 2 ** -40)).toBe(0x3c01);
  });

  it('maps NaN to a quiet NaN', () => {
    expect(toFloat16Bits(NaN)).toBe(0x7e00);
    expect(fromFloat16Bits(0x7e00)).toBeNaN();
    expect(fromFloat16Bits(0xfc01)).toBeNaN();
  });

  it('decodes known patterns', () => {
    expect(fromFloat16Bits(0x3c00)).toBe(1);
    expect(fromFloat16Bits(0x7bff)).toBe(65504);
    expect(fromFloat16Bits(0x0001)).toBe(2 ** -24);
    expect(fromFloat16Bits(0x03ff)).toBe(1023 * 2 ** -24);
    expect(fromFloat16Bits(0x7c00)).toBe(Infinity);
    expect(fromFloat16Bits(0xfc00)).toBe(-Infinity);
    expect(Object.is(fromFloat16Bits(0x8000), -0)).toBe(true);
  });

  it('round-trips every non-NaN bit pattern', () => {
    expect(nonRoundTripping(fromFloat16Bits, toFloat16Bits)).toEqual([]);
  });
});

describe('BF16', () => {
  it.each([
    [1.0, 0x3f80],
    [-2.0, 0xc000],
    [3.140625, 0x4049],
    [Infinity, 0x7f80],
    [3.4e38, 0x7f80], // above the largest finite bf16 after rounding
    [2 ** -126, 0x0080], // smallest normal
    [2 ** -133, 0x0001], // smallest subnormal
    [1 + 2 ** -8, 0x3f80], // tie: even wins
    [1 + 3 * 2 ** -8, 0x3f82],
    [-0, 0x8000],
  ])('%d ⇒ %s', (value, bits) => {
    expect(toBfloat16Bits(value).toString(16)).toBe(bits.toString(16));
  });

  it('maps NaN to a quiet NaN', () => {
    expect(toBfloat16Bits(NaN)).toBe(0x7fc0);
    expect(fromBfloat16Bits(0x7fc0)).toBeNaN();
  });

  it('round-trips every non-NaN bit pattern', () => {
    expect(nonRoundTripping(fromBfloat16Bits, toBfloat16Bits)).toEqual([]);
  });

  it('agrees with truncating float32 when the dropped bits are zero', () => {
    const f32 = new Float32Array([1.25]);
    expect(toBfloat16Bits(1.25)).toBe(new Uint32Array(f32.buffer)[0] >>> 16);
  });
});
