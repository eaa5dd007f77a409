import { FlotillaError, type Datatype } from '@flotilla/contracts';
import { jsonDataToBytes, MAX_DATA_NESTING } from './json-data-to-bytes';
import { bytesElements, bytesOf } from './testing/request-body';

const convert = (data: unknown, datatype: Datatype, count: number) => jsonDataToBytes(data, datatype, count, 'INPUT0');
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('jsonDataToBytes', () => {
  it.each<[Datatype, unknown[], Uint8Array]>([
    ['BOOL', [true, false, true], new Uint8Array([1, 0, 1])],
    ['UINT8', [0, 255], new Uint8Array([0, 255])],
    ['INT8', [-128, 127, -1], bytesOf(new Int8Array([-128, 127, -1]))],
    ['UINT16', [0, 65535, 258], bytesOf(new Uint16Array([0, 65535, 258]))],
    ['INT16', [-32768, 32767], bytesOf(new Int16Array([-32768, 32767]))],
    ['UINT32', [0, 4294967295], bytesOf(new Uint32Array([0, 4294967295]))],
    ['INT32', [-2147483648, 2147483647], bytesOf(new Int32Array([-2147483648, 2147483647]))],
    ['UINT64', [0, 2 ** 53, 2 ** 63, '18446744073709551615'], bytesOf(new BigUint64Array([0n, 2n ** 53n, 2n ** 63n, 2n ** 64n - 1n]))],
    ['INT64', [-1, -(2 ** 63), 2 ** 40 + 7, '9223372036854775807', '-9223372036854775808'], bytesOf(new BigInt64Array([-1n, -(2n ** 63n), 2n ** 40n + 7n, 2n ** 63n - 1n, -(2n ** 63n)]))],
    ['FP16', [1, 65504, 65520, -0.5], bytesOf(new Uint16Array([0x3c00, 0x7bff, 0x7c00, 0xb800]))],
    ['BF16', [1, -2, 'Infinity'], bytesOf(new Uint16Array([0x3f80, 0xc000, 0x7f80]))],
    ['FP32', [1.5, -0, 'NaN', '-Infinity', 0.1], bytesOf(new Float32Array([1.5, -0, NaN, -Infinity, 0.1]))],
    ['FP64', [0.1, -1e300, 'inf'], bytesOf(new Float64Array([0.1, -1e300, Infinity]))],
    ['BYTES', ['abc', '', 'héllo'], bytesElements('abc', '', 'héllo')],
  ])('%s', (datatype, data, expected) => {
    expect(hex(convert(data, datatype, data.length))).toBe(hex(expected));
  });

  it('flattens nested data row-major', () => {
    const nested = convert([[[1, 2], [3, 4]], [[5, 6], [7, 8]]], 'INT32', 8);
    expect(hex(nested)).toBe(hex(convert([1, 2, 3, 4, 5, 6, 7, 8], 'INT32', 8)));
  });

  it('writes empty strings at the very end of a BYTES tensor', () => {
    expect(hex(convert(['a', ''], 'BYTES', 2))).toBe(hex(bytesElements('a', '')));
    expect(hex(convert([''], 'BYTES', 1))).toBe('00000000');
  });

  it('accepts an empty tensor', () => {
    expect(convert([], 'FP32', 0).byteLength).toBe(0);
    expect(convert([], 'BYTES', 0).byteLength).toBe(0);
  });

  it.each<[string, unknown, Datatype, number, RegExp]>([
    ['too few elements', [1, 2], 'INT32', 3, /unexpected number of elements for input 'INPUT0': expected 3, got 2/],
    ['too many nested elements', [[1, 2], [3, 4]], 'INT32', 3, /expected 3, got 4/],
    ['data not an array', 5, 'INT32', 1, /'data' of input 'INPUT0' must be an array, got 5/],
    ['integer out of range', [256], 'UINT8', 1, /element 0 of input 'INPUT0' is not a valid UINT8 value: 256/],
    ['negative unsigned', [-1], 'UINT32', 1, /not a valid UINT32 value: -1/],
    ['fraction for an integer', [1.5], 'INT16', 1, /not a valid INT16 value: 1.5/],
    ['INT64 beyond range', [2 ** 63], 'INT64', 1, /not a valid INT64 value/],
    ['INT64 string beyond range', ['9223372036854775808'], 'INT64', 1, /not a valid INT64 value: "9223372036854775808"/],
    ['UINT64 negative string', ['-1'], 'UINT64', 1, /not a valid UINT64 value/],
    ['INT64 non-digit string', ['12a'], 'INT64', 1, /not a valid INT64 value/],
    ['string for a float', ['1.5'], 'FP32', 1, /not a valid FP32 value: "1.5"/],
    ['number for BOOL', [1], 'BOOL', 1, /not a valid BOOL value: 1/],
    ['number for BYTES', [1], 'BYTES', 1, /not a valid BYTES value: 1/],
    ['null element', [null], 'FP64', 1, /not a valid FP64 value: null/],
    ['object element', [{ a: 1 }], 'INT8', 1, /not a valid INT8 value: an object/],
    ['array mixed into flat data', [1, [2]], 'INT8', 2, /element 1 .* an array/],
  ])('rejects %s', (_case, data, datatype, count, message) => {
    expect(() => convert(data, datatype, count)).toThrow(FlotillaError);
    expect(() => convert(data, datatype, count)).toThrow(message);
  });

  it('refuses data nested deeper than any tensor, without overflowing the stack', () => {
    let deep: unknown = [1];
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(() => convert(deep, 'INT32', 1)).toThrow(`nested more than ${MAX_DATA_NESTING} levels deep`);
  });
});
