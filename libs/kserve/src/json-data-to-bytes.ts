import { elementSize, invalidArg, type Datatype } from '@flotilla/contracts';
import { describeJsonValue } from './json-values';
import { toBfloat16Bits, toFloat16Bits } from './minifloat';

/**
 * Converts an input's JSON `data` (nested or flat, row-major) into the raw little-endian bytes
 * Flotilla carries. Values are checked one by one: a wrong type or an out-of-range integer is an
 * INVALID_ARG naming the input and the element, never a silently wrapped number.
 */
export function jsonDataToBytes(data: unknown, datatype: Datatype, expectedCount: number, inputName: string): Uint8Array {
  if (!Array.isArray(data)) throw invalidArg(`'data' of input '${inputName}' must be an array, got ${describeJsonValue(data)}`);
  const values = flattenData(data, inputName);
  if (values.length !== expectedCount) {
    throw invalidArg(`unexpected number of elements for input '${inputName}': expected ${expectedCount}, got ${values.length}`);
  }
  return datatype === 'BYTES' ? stringsToBytes(values, inputName) : numbersToBytes(values, datatype, inputName);
}

/** Tensors have at most a few dozen dimensions; deeper nesting is a malformed or hostile body. */
export const MAX_DATA_NESTING = 64;

function flattenData(data: readonly unknown[], inputName: string): readonly unknown[] {
  // Flat data, by far the most common form, is used as it is: no copy.
  if (data.length === 0 || !Array.isArray(data[0])) return data;
  const leaves: unknown[] = [];
  const collect = (list: readonly unknown[], depth: number): void => {
    if (depth > MAX_DATA_NESTING) {
      throw invalidArg(`'data' of input '${inputName}' is nested more than ${MAX_DATA_NESTING} levels deep`);
    }
    for (const item of list) {
      if (Array.isArray(item)) collect(item, depth + 1);
      else leaves.push(item);
    }
  };
  collect(data, 1);
  return leaves;
}

function badElement(inputName: string, datatype: Datatype, index: number, value: unknown): never {
  throw invalidArg(`element ${index} of input '${inputName}' is not a valid ${datatype} value: ${describeJsonValue(value)}`);
}

function integerAt(values: readonly unknown[], index: number, min: number, max: number, datatype: Datatype, inputName: string): number {
  const value = values[index];
  if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return value;
  return badElement(inputName, datatype, index, value);
}

const TWO_POW_32 = 2 ** 32;
const TWO_POW_63 = 2 ** 63;
const TWO_POW_64 = 2 ** 64;
const DECIMAL_INTEGER = /^-?[0-9]+$/;

/**
 * Writes one INT64/UINT64 element. JSON numbers are taken as they are (beyond 2^53 JSON.parse has
 * already rounded them, so exact large values should come as strings of digits or binary data);
 * numbers are split into 32-bit halves so the common case allocates no BigInt.
 */
function writeInt64At(view: DataView, values: readonly unknown[], index: number, signed: boolean, inputName: string): void {
  const value = values[index];
  const datatype = signed ? 'INT64' : 'UINT64';
  const offset = index * 8;
  if (typeof value === 'number') {
    const inRange = signed ? value >= -TWO_POW_63 && value < TWO_POW_63 : value >= 0 && value < TWO_POW_64;
    if (!Number.isInteger(value) || !inRange) badElement(inputName, datatype, index, value);
    const high = Math.floor(value / TWO_POW_32);
    view.setUint32(offset, value - high * TWO_POW_32, true);
    if (signed) view.setInt32(offset + 4, high, true);
    else view.setUint32(offset + 4, high, true);
    return;
  }
  if (typeof value === 'string' && value.length <= 21 && DECIMAL_INTEGER.test(value)) {
    const big = BigInt(value);
    if (signed && big >= -(2n ** 63n) && big < 2n ** 63n) return view.setBigInt64(offset, big, true);
    if (!signed && big >= 0n && big < 2n ** 64n) return view.setBigUint64(offset, big, true);
  }
  badElement(inputName, datatype, index, value);
}

// JSON has no NaN or infinities, so float inputs also accept them spelled as strings (the form
// Flotilla itself writes them in, see bytes-to-json-data.ts).
const NON_FINITE_SPELLINGS: ReadonlyMap<string, number> = new Map([
  ['NaN', NaN],
  ['nan', NaN],
  ['Infinity', Infinity],
  ['inf', Infinity],
  ['-Infinity', -Infinity],
  ['-inf', -Infinity],
]);

function floatAt(values: readonly unknown[], index: number, datatype: Datatype, inputName: string): number {
  const value = values[index];
  if (typeof value === 'number') return value;
  const special = typeof value === 'string' ? NON_FINITE_SPELLINGS.get(value) : undefined;
  return special ?? badElement(inputName, datatype, index, value);
}

function numbersToBytes(values: readonly unknown[], datatype: Datatype, inputName: string): Uint8Array {
  const count = values.length;
  const bytes = new Uint8Array(count * (elementSize(datatype) ?? 0));
  const view = new DataView(bytes.buffer);
  switch (datatype) {
    case 'BOOL':
      for (let i = 0; i < count; i++) {
        const value = values[i];
        if (value === true) bytes[i] = 1;
        else if (value !== false) badElement(inputName, datatype, i, value);
      }
      break;
    case 'UINT8':
      for (let i = 0; i < count; i++) bytes[i] = integerAt(values, i, 0, 0xff, datatype, inputName);
      break;
    case 'INT8':
      for (let i = 0; i < count; i++) view.setInt8(i, integerAt(values, i, -0x80, 0x7f, datatype, inputName));
      break;
    case 'UINT16':
      for (let i = 0; i < count; i++) view.setUint16(i * 2, integerAt(values, i, 0, 0xffff, datatype, inputName), true);
      break;
    case 'INT16':
      for (let i = 0; i < count; i++) view.setInt16(i * 2, integerAt(values, i, -0x8000, 0x7fff, datatype, inputName), true);
      break;
    case 'UINT32':
      for (let i = 0; i < count; i++) view.setUint32(i * 4, integerAt(values, i, 0, 0xffffffff, datatype, inputName), true);
      break;
    case 'INT32':
      for (let i = 0; i < count; i++) view.setInt32(i * 4, integerAt(values, i, -0x80000000, 0x7fffffff, datatype, inputName), true);
      break;
    case 'UINT64':
    case 'INT64':
      for (let i = 0; i < count; i++) writeInt64At(view, values, i, datatype === 'INT64', inputName);
      break;
    case 'FP16':
      for (let i = 0; i < count; i++) view.setUint16(i * 2, toFloat16Bits(floatAt(values, i, datatype, inputName)), true);
      break;
    case 'BF16':
      for (let i = 0; i < count; i++) view.setUint16(i * 2, toBfloat16Bits(floatAt(values, i, datatype, inputName)), true);
      break;
    case 'FP32':
      for (let i = 0; i < count; i++) view.setFloat32(i * 4, floatAt(values, i, datatype, inputName), true);
      break;
    case 'FP64':
      for (let i = 0; i < count; i++) view.setFloat64(i * 8, floatAt(values, i, datatype, inputName), true);
      break;
    case 'BYTES':
      throw new Error('BYTES is converted by stringsToBytes');
  }
  return bytes;
}

/** BYTES from JSON strings: each string's UTF-8 bytes behind a 4-byte length. Two passes, one allocation. */
function stringsToBytes(values: readonly unknown[], inputName: string): Uint8Array {
  let total = 4 * values.length;
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (typeof value !== 'string') badElement(inputName, 'BYTES', i, value);
    total += Buffer.byteLength(value, 'utf8');
  }
  // Not from the shared Buffer pool: these bytes may outlive the request and travel elsewhere.
  const bytes = Buffer.allocUnsafeSlow(total);
  let offset = 0;
  for (const value of values as readonly string[]) {
    const length = bytes.write(value, offset + 4, 'utf8');
    bytes.writeUInt32LE(length, offset);
    offset += 4 + length;
  }
  return bytes;
}
