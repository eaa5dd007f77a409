import type { Tensor } from '@flotilla/contracts';
import { fromJavascriptTensor, toJavascriptTensor } from './javascript-tensors';

describe('JavaScript model tensors', () => {
  it('hands numeric inputs over as typed arrays over the same bytes', () => {
    const bytes = new Uint8Array(new Float32Array([1.5, -2]).buffer);
    const view = toJavascriptTensor({ name: 'X', datatype: 'FP32', shape: [2], data: bytes });
    expect(view.data).toBeInstanceOf(Float32Array);
    expect([...(view.data as Float32Array)]).toEqual([1.5, -2]);
    expect((view.data as Float32Array).buffer).toBe(bytes.buffer);
  });

  it('copies a misaligned view rather than failing', () => {
    const backing = new Uint8Array(9);
    backing.set(new Uint8Array(new Int32Array([7, -7]).buffer), 1);
    const view = toJavascriptTensor({ name: 'X', datatype: 'INT32', shape: [2], data: backing.subarray(1) });
    expect([...(view.data as Int32Array)]).toEqual([7, -7]);
  });

  it('hands BYTES over as Buffers and takes strings or Buffers back', () => {
    const input: Tensor = fromJavascriptTensor('S', { datatype: 'BYTES', shape: [2], data: ['ab', Buffer.from('c')] }, 'm');
    const view = toJavascriptTensor(input);
    expect((view.data as Buffer[]).map(String)).toEqual(['ab', 'c']);
  });

  it('accepts plain number arrays for outputs and checks them against the shape', () => {
    const output = fromJavascriptTensor('Y', { datatype: 'INT16', shape: [1, 3], data: [1, 2, 3] }, 'm');
    expect([...new Int16Array(output.data.buffer, output.data.byteOffset, 3)]).toEqual([1, 2, 3]);
    expect(() => fromJavascriptTensor('Y', { datatype: 'FP32', shape: [4], data: new Float32Array(3) }, 'm')).toThrow(
      "javascript model 'm' returned a bad output 'Y': shape [4] of FP32 needs 16 bytes, got 12",
    );
    expect(() => fromJavascriptTensor('Y', { datatype: 'FP99', shape: [1], data: [1] }, 'm')).toThrow(/unknown datatype "FP99"/);
    expect(() => fromJavascriptTensor('Y', 42, 'm')).toThrow(/expected \{ datatype, shape, data \}/);
  });
});
