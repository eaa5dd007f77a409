import { FlotillaError, type Datatype } from '@flotilla/contracts';
import { bytesToJsonDataText } from './bytes-to-json-data';
import { bytesElements, bytesOf } from './testing/request-body';

const text = (datatype: Datatype, shape: number[], data: Uint8Array) => bytesToJsonDataText({ name: 'OUTPUT0', datatype, shape, data });

describe('bytesToJsonDataText', () => {
  it.each<[Datatype, Uint8Array, number, string]>([
    ['BOOL', new Uint8Array([1, 0, 2]), 3, '[true,false,true]'],
    ['UINT8', new Uint8Array([0, 255]), 2, '[0,255]'],
    ['INT8', bytesOf(new Int8Array([-128, 127])), 2, '[-128,127]'],
    ['UINT16', bytesOf(new Uint16Array([65535, 1])), 2, '[65535,1]'],
    ['INT16', bytesOf(new Int16Array([-32768, 5])), 2, '[-32768,5]'],
    ['UINT32', bytesOf(new Uint32Array([4294967295])), 1, '[4294967295]'],
    ['INT32', bytesOf(new Int32Array([-2147483648, 7])), 2, '[-2147483648,7]'],
    ['UINT64', bytesOf(new BigUint64Array([2n ** 64n - 1n, 2n ** 53n - 1n, 0n])), 3, '[18446744073709551615,9007199254740991,0]'],
    ['INT64', bytesOf(new BigInt64Array([-(2n ** 63n), -1n, 2n ** 53n + 1n])), 3, '[-9223372036854775808,-1,9007199254740993]'],
    ['FP16', bytesOf(new Uint16Array([0x3c00, 0x7bff, 0x0001, 0x7c00, 0xfe00, 0x8000])), 6, `[1,65504,${2 ** -24},"Infinity","NaN",-0]`],
    ['BF16', bytesOf(new Uint16Array([0x3f80, 0xc049])), 2, '[1,-3.140625]'],
    ['FP32', bytesOf(new Float32Array([1.5, -Infinity, 0.1])), 3, `[1.5,"-Infinity",${Math.fround(0.1)}]`],
    ['FP64', bytesOf(new Float64Array([0.1, -0, 1e300])), 3, '[0.1,-0,1e+300]'],
    ['BYTES', bytesElements('a"b', '', 'ü'), 3, '["a\\"b","","ü"]'],
  ])('%s', (datatype, data, count, expected) => {
    expect(text(datatype, [count], data)).toBe(expected);
    expect(() => JSON.parse(expected)).not.toThrow();
  });

  it('reads views that start at an unaligned offset', () => {
    const backing = new Uint8Array(9);
    backing.set(bytesOf(new Float64Array([2.5])), 1);
    expect(text('FP64', [1], backing.subarray(1))).toBe('[2.5]');
  });

  it('writes an empty tensor as []', () => {
    expect(text('FP32', [0, 3], new Uint8Array(0))).toBe('[]');
  });

  it('rejects bytes that contradict the shape as an internal error', () => {
    expect(() => text('FP32', [2], new Uint8Array(4))).toThrow(expect.objectContaining({ code: 'INTERNAL' }));
    expect(() => text('BYTES', [2], bytesElements('only one'))).toThrow(FlotillaError);
    expect(() => text('BYTES', [1], new Uint8Array([9, 0, 0, 0, 1]))).toThrow(FlotillaError);
  });
});

describe('bytesToJsonDataText for BYTES that are not text', () => {
  it('refuses an element that is not UTF-8, naming it and the binary form that carries it', () => {
    const element = Buffer.from([0x61, 0xff]);
    const data = Buffer.concat([bytesElements('fine'), Buffer.from([element.byteLength, 0, 0, 0]), element]);
    expect(() => text('BYTES', [2], data)).toThrow(
      expect.objectContaining({ code: 'INVALID_ARG', message: expect.stringMatching(/^output 'OUTPUT0': BYTES element 1 is not valid UTF-8, which a JSON response cannot carry; ask for this output in binary form/) }),
    );
  });

  it('keeps a leading byte-order mark and NUL as they are', () => {
    expect(text('BYTES', [1], bytesElements('\ufeffa\0'))).toBe('["\ufeffa\\u0000"]');
  });
});

describe('bytesToJsonDataText with bigIntegers: string', () => {
  it('quotes only the 64-bit values JSON.parse would round', () => {
    const data = bytesOf(new BigInt64Array([2n ** 62n, -5n]));
    expect(bytesToJsonDataText({ name: 'x', datatype: 'INT64', shape: [2], data }, { bigIntegers: 'string' })).toBe('["4611686018427387904",-5]');
  });
});
