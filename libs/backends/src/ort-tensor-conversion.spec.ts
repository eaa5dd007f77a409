import type { Tensor } from '@flotilla/contracts';
import { Tensor as OrtTensor } from 'onnxruntime-node';
import { encodeBytesElements } from './bytes-elements';
import { fromOrtTensor, toOrtTensor } from './ort-tensor-conversion';

const bytesOf = (values: ArrayBufferView) => new Uint8Array(values.buffer, values.byteOffset, values.byteLength);

describe('toOrtTensor', () => {
  it('views FP32 bytes in place when they are aligned', () => {
    const values = Float32Array.from([1.5, -2, 3]);
    const ort = toOrtTensor({ name: 'x', datatype: 'FP32', shape: [3], data: bytesOf(values) });
    expect(ort.type).toBe('float32');
    expect(ort.dims).toEqual([3]);
    expect((ort.data as Float32Array).buffer).toBe(values.buffer);
  });

  it('copies FP32 bytes that start at an offset not divisible by 4', () => {
    const values = Float32Array.from([1.5, -2, 3]);
    const misaligned = new Uint8Array(13);
    misaligned.set(bytesOf(values), 1);
    const ort = toOrtTensor({ name: 'x', datatype: 'FP32', shape: [1, 3], data: misaligned.subarray(1) });
    expect(Array.from(ort.data as Float32Array)).toEqual([1.5, -2, 3]);
    expect((ort.data as Float32Array).buffer).not.toBe(misaligned.buffer);
  });

  it('copies misaligned FP32 bytes held in a Buffer too (whose slice() is a view, not a copy)', () => {
    const values = Float32Array.from([4, 5]);
    const misaligned = Buffer.alloc(9);
    misaligned.set(bytesOf(values), 1);
    const ort = toOrtTensor({ name: 'x', datatype: 'FP32', shape: [2], data: misaligned.subarray(1) });
    expect(Array.from(ort.data as Float32Array)).toEqual([4, 5]);
  });

  it('maps FP16 to float16 over Uint16 bits, BOOL to bool, INT64 to BigInt64Array', () => {
    const half = Uint16Array.from([0x3c00, 0xc000]); // 1.0, -2.0
    const fp16 = toOrtTensor({ name: 'h', datatype: 'FP16', shape: [2], data: bytesOf(half) });
    expect(fp16.type).toBe('float16');
    expect(Array.from(new Uint16Array((fp16.data as Uint16Array).buffer))).toEqual([0x3c00, 0xc000]);

    const bool = toOrtTensor({ name: 'b', datatype: 'BOOL', shape: [3], data: Uint8Array.from([1, 0, 1]) });
    expect(bool.type).toBe('bool');
    expect(Array.from(bool.data as Uint8Array)).toEqual([1, 0, 1]);

    const int64 = toOrtTensor({ name: 'i', datatype: 'INT64', shape: [2], data: bytesOf(BigInt64Array.from([-1n, 2n ** 40n])) });
    expect(int64.type).toBe('int64');
    expect(Array.from(int64.data as BigInt64Array)).toEqual([-1n, 2n ** 40n]);
  });

  it('decodes BYTES into a string tensor', () => {
    const ort = toOrtTensor({ name: 's', datatype: 'BYTES', shape: [2], data: encodeBytesElements(['a', 'bc']) });
    expect(ort.type).toBe('string');
    expect(ort.data).toEqual(['a', 'bc']);
  });

  it('rejects a byte length that does not match the shape, naming the input', () => {
    expect(() => toOrtTensor({ name: 'x', datatype: 'INT32', shape: [2, 2], data: new Uint8Array(12) })).toThrow(
      "input 'x': shape [2,2] of INT32 needs 16 bytes, got 12",
    );
  });

  it('refuses BF16, which onnxruntime-node cannot hold', () => {
    expect(() => toOrtTensor({ name: 'x', datatype: 'BF16', shape: [1], data: new Uint8Array(2) })).toThrow(
      expect.objectContaining({ code: 'UNSUPPORTED' }),
    );
  });
});

describe('fromOrtTensor', () => {
  it('views numeric output bytes without copying', () => {
    const values = Float64Array.from([0.5, 1e300]);
    const tensor = fromOrtTensor('y', new OrtTensor('float64', values, [2, 1]));
    expect(tensor).toMatchObject({ name: 'y', datatype: 'FP64', shape: [2, 1] });
    expect(tensor.data.buffer).toBe(values.buffer);
  });

  it('round-trips every numeric datatype through toOrtTensor', () => {
    const cases: Tensor[] = [
      { name: 'a', datatype: 'UINT8', shape: [2], data: Uint8Array.from([0, 255]) },
      { name: 'b', datatype: 'INT8', shape: [2], data: bytesOf(Int8Array.from([-128, 127])) },
      { name: 'c', datatype: 'UINT16', shape: [1], data: bytesOf(Uint16Array.from([65535])) },
      { name: 'd', datatype: 'INT16', shape: [1], data: bytesOf(Int16Array.from([-2])) },
      { name: 'e', datatype: 'UINT32', shape: [1], data: bytesOf(Uint32Array.from([4e9])) },
      { name: 'f', datatype: 'INT32', shape: [1], data: bytesOf(Int32Array.from([-7])) },
      { name: 'g', datatype: 'UINT64', shape: [1], data: bytesOf(BigUint64Array.from([2n ** 63n])) },
      { name: 'h', datatype: 'FP16', shape: [1], data: bytesOf(Uint16Array.from([0x3c00])) },
      { name: 'i', datatype: 'BOOL', shape: [], data: Uint8Array.from([1]) },
    ];
    for (const tensor of cases) {
      const back = fromOrtTensor(tensor.name, toOrtTensor(tensor));
      expect({ ...back, data: Array.from(back.data) }).toEqual({ ...tensor, data: Array.from(tensor.data) });
    }
  });

  it('encodes string outputs as BYTES elements', () => {
    const tensor = fromOrtTensor('s', new OrtTensor('string', ['x', 'yz'], [2]));
    expect(tensor.datatype).toBe('BYTES');
    expect(Array.from(tensor.data)).toEqual(Array.from(encodeBytesElements(['x', 'yz'])));
  });
});
