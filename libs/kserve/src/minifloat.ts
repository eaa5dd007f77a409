/**
 * FP16 and BF16 ("minifloats") to and from JS numbers.
 *
 * Conversion goes straight from the float64 value to the narrow format with round-to-nearest-even,
 * never through float32 first: rounding twice (f64→f32→f16) gives the wrong answer for values that
 * sit just beside a halfway point.
 */

interface MinifloatFormat {
  readonly mantissaBits: number;
  readonly bias: number;
  /** Bit pattern of a quiet NaN, used for every NaN since JSON carries no payloads. */
  readonly quietNan: number;
}

// Both formats are 16 bits wide, so the sign is always the top bit.
const SIGN_BIT = 0x8000;
const FP16: MinifloatFormat = { mantissaBits: 10, bias: 15, quietNan: 0x7e00 };
const BF16: MinifloatFormat = { mantissaBits: 7, bias: 127, quietNan: 0x7fc0 };

// Reading a float64's exponent field needs its bits; one shared scratch slot avoids allocating.
const scratch = new Float64Array(1);
const scratchWords = new Uint32Array(scratch.buffer);
const HIGH_WORD = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

/** Unbiased binary exponent of a finite, non-zero float64 (float64 subnormals report -1023). */
function binaryExponent(magnitude: number): number {
  scratch[0] = magnitude;
  return ((scratchWords[HIGH_WORD] >>> 20) & 0x7ff) - 1023;
}

/** Rounds a non-negative number to an integer, ties to even, as IEEE 754 does by default. */
function roundHalfToEven(value: number): number {
  const floor = Math.floor(value);
  const fraction = value - floor;
  if (fraction > 0.5 || (fraction === 0.5 && floor % 2 === 1)) return floor + 1;
  return floor;
}

function toMinifloat(value: number, format: MinifloatFormat): number {
  const { mantissaBits, bias } = format;
  const signBit = value < 0 || Object.is(value, -0) ? SIGN_BIT : 0;
  if (Number.isNaN(value)) return format.quietNan;
  const magnitude = Math.abs(value);
  const infinity = (2 * bias + 1) << mantissaBits;
  if (magnitude === 0) return signBit;

  const minNormalExponent = 1 - bias;
  const exponent = binaryExponent(magnitude);
  if (exponent > bias) return signBit | infinity;
  if (exponent < minNormalExponent) {
    // Subnormal: the value is m × 2^(minNormalExponent - mantissaBits) for an integer m.
    // Rounding m up to 2^mantissaBits lands exactly on the smallest normal's bit pattern.
    return signBit | roundHalfToEven(magnitude * 2 ** (mantissaBits - minNormalExponent));
  }
  // Normal: scale the significand to [2^mantissaBits, 2^(mantissaBits+1)); scaling by a power of
  // two is exact, so the one rounding happens here. A carry into the exponent (significand rounding
  // up to 2^(mantissaBits+1)) falls out of the addition, and past the largest finite gives infinity.
  const significand = roundHalfToEven(magnitude * 2 ** (mantissaBits - exponent));
  return signBit | (((exponent + bias) << mantissaBits) + significand - (1 << mantissaBits));
}

function fromMinifloat(bits: number, format: MinifloatFormat): number {
  const { mantissaBits, bias } = format;
  const exponentMask = 2 * bias + 1;
  const sign = bits & SIGN_BIT ? -1 : 1;
  const exponentField = (bits >>> mantissaBits) & exponentMask;
  const mantissa = bits & ((1 << mantissaBits) - 1);
  if (exponentField === exponentMask) return mantissa ? NaN : sign * Infinity;
  if (exponentField === 0) return sign * mantissa * 2 ** (1 - bias - mantissaBits);
  return sign * (mantissa + (1 << mantissaBits)) * 2 ** (exponentField - bias - mantissaBits);
}

/** IEEE 754 binary16 bit pattern nearest to `value` (ties to even; overflow gives ±infinity). */
export const toFloat16Bits = (value: number): number => toMinifloat(value, FP16);
export const fromFloat16Bits = (bits: number): number => fromMinifloat(bits, FP16);

/** bfloat16 bit pattern nearest to `value` (ties to even; overflow gives ±infinity). */
export const toBfloat16Bits = (value: number): number => toMinifloat(value, BF16);
export const fromBfloat16Bits = (bits: number): number => fromMinifloat(bits, BF16);
