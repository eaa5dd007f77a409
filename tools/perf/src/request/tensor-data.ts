// Input values for generated requests: the raw little-endian bytes (binary protocol) and the same
// values as JSON (JSON protocol). Random data is seeded, so runs send identical requests.
import { elementCount, type Datatype } from '@flotilla/contracts';
import { toBfloat16Bits, toFloat16Bits } from '@flotilla/kserve';

export type InputDataMode = 'random' | 'zero';

export interface TensorValues {
  /** Raw bytes as the binary tensor extension carries them (BYTES: 4-byte length prefixes). */
  readonly bytes: Uint8Array;
  /** The same values for a JSON `data` array. */
  readonly json: readonly (number | boolean | string)[];
}

/** mulberry32: tiny, deterministic; Math.random cannot be seeded. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function tensorValues(datatype: Datatype, shape: readonly number[], mode: InputDataMode, seed = 1): TensorValues {
  const count = elementCount(shape);
  const random = seededRandom(seed);
  // Integers stay small (0..99) so they are valid for every integer width and for index-like inputs.
  const real = () => (mode === 'zero' ? 0 : random());
  const integer = () => (mode === 'zero' ? 0 : Math.floor(random() * 100));

  switch (datatype) {
    case 'FP32':
      return numeric(Float32Array.from({ length: count }, real));
    case 'FP64':
      return numeric(Float64Array.from({ length: count }, real));
    case 'FP16':
    case 'BF16': {
      const toBits = datatype === 'FP16' ? toFloat16Bits : toBfloat16Bits;
      const values = Array.from({ length: count }, real);
      return { bytes: bytesOf(Uint16Array.from(values, toBits)), json: values };
    }
    case 'INT8':
      return numeric(Int8Array.from({ length: count }, integer));
    case 'UINT8':
      return numeric(Uint8Array.from({ length: count }, integer));
    case 'INT16':
      return numeric(Int16Array.from({ length: count }, integer));
    case 'UINT16':
      return numeric(Uint16Array.from({ length: count }, integer));
    case 'INT32':
      return numeric(Int32Array.from({ length: count }, integer));
    case 'UINT32':
      return numeric(Uint32Array.from({ length: count }, integer));
    case 'INT64':
    case 'UINT64': {
      const values = Array.from({ length: count }, integer);
      const array = datatype === 'INT64' ? BigInt64Array.from(values, BigInt) : BigUint64Array.from(values, BigInt);
      return { bytes: bytesOf(array), json: values };
    }
    case 'BOOL': {
      const values = Array.from({ length: count }, () => mode !== 'zero' && random() < 0.5);
      return { bytes: Uint8Array.from(values, Number), json: values };
    }
    case 'BYTES':
      return bytesElements(Array.from({ length: count }, (_, i) => (mode === 'zero' ? '' : `perf-${i}-${integer()}`)));
  }
}

function numeric(array: Float32Array | Float64Array | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array): TensorValues {
  return { bytes: bytesOf(array), json: Array.from(array) };
}

function bytesOf(array: ArrayBufferView): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

function bytesElements(strings: readonly string[]): TensorValues {
  const encoded = strings.map((s) => Buffer.from(s, 'utf8'));
  const bytes = Buffer.alloc(encoded.reduce((sum, e) => sum + 4 + e.byteLength, 0));
  let offset = 0;
  for (const element of encoded) {
    bytes.writeUInt32LE(element.byteLength, offset);
    element.copy(bytes, offset + 4);
    offset += 4 + element.byteLength;
  }
  return { bytes, json: strings };
}
