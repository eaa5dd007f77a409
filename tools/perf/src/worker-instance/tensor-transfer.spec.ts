import type { Tensor } from '@flotilla/contracts';
import { prepareForTransfer } from './tensor-transfer';

const tensor = (name: string, data: Uint8Array): Tensor => ({ name, datatype: 'UINT8', shape: [data.byteLength], data });

describe('prepareForTransfer', () => {
  it('transfers a buffer the tensor owns wholly, without copying', () => {
    const data = new Uint8Array([1, 2, 3]);
    const { tensors, transferList } = prepareForTransfer([tensor('a', data)]);
    expect(tensors[0].data).toBe(data);
    expect(transferList).toEqual([data.buffer]);
  });

  it('copies a view into a larger buffer once, so the rest of that buffer stays behind', () => {
    const payload = new Uint8Array(100).map((_, i) => i);
    const view = payload.subarray(10, 14);
    const { tensors, transferList } = prepareForTransfer([tensor('a', view)]);
    expect(tensors[0].data).not.toBe(view);
    expect(Array.from(tensors[0].data)).toEqual([10, 11, 12, 13]);
    expect(tensors[0].data.buffer.byteLength).toBe(4);
    expect(transferList).toEqual([tensors[0].data.buffer]);
  });

  it('never lists one buffer twice (postMessage would throw)', () => {
    const data = new Uint8Array([7, 8]);
    const { tensors, transferList } = prepareForTransfer([tensor('a', data), tensor('b', data)]);
    expect(transferList).toHaveLength(2);
    expect(new Set(transferList).size).toBe(2);
    expect(Array.from(tensors[1].data)).toEqual([7, 8]);
  });

  it('passes SharedArrayBuffer-backed tensors through as they are', () => {
    const data = new Uint8Array(new SharedArrayBuffer(8), 4, 4);
    const { tensors, transferList } = prepareForTransfer([tensor('a', data)]);
    expect(tensors[0].data).toBe(data);
    expect(transferList).toEqual([]);
  });

  it('really moves the bytes: the sender’s buffer is detached after postMessage', () => {
    const data = new Uint8Array([1, 2, 3, 4]);
    const { tensors, transferList } = prepareForTransfer([tensor('a', data)]);
    const { port1, port2 } = new MessageChannel();
    port1.postMessage(tensors, transferList);
    port1.close();
    port2.close();
    expect(data.buffer.byteLength).toBe(0);
  });
});
