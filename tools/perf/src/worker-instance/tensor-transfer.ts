// Moving tensors across postMessage cheaply. Structured clone of a Uint8Array copies its WHOLE
// underlying buffer, so a small view into a large NATS payload would drag the payload along.
// A buffer that a tensor owns wholly is transferred (moved, no copy); a view into a larger or
// already-moved buffer is copied once into a buffer of its own, which is then transferred.
import type { Tensor } from '@flotilla/contracts';

export interface TransferableTensors {
  readonly tensors: Tensor[];
  readonly transferList: ArrayBuffer[];
}

/**
 * Note: afterwards the caller's wholly-owned buffers are detached (byteLength 0): the receiver owns them.
 * SharedArrayBuffer-backed tensors are passed as they are: both sides see the same memory.
 */
export function prepareForTransfer(tensors: readonly Tensor[]): TransferableTensors {
  const transferList: ArrayBuffer[] = [];
  const moved = new Set<ArrayBufferLike>();
  const prepared = tensors.map((tensor): Tensor => {
    const { data } = tensor;
    const plain = { name: tensor.name, datatype: tensor.datatype, shape: [...tensor.shape] };
    if (isShared(data.buffer)) return { ...plain, data };
    if (ownsWholeBuffer(data) && !moved.has(data.buffer)) {
      moved.add(data.buffer);
      transferList.push(data.buffer as ArrayBuffer);
      return { ...plain, data };
    }
    // Not data.slice(): on a Node Buffer that returns a view into the same (often pooled) memory.
    const copy = new Uint8Array(data.byteLength);
    copy.set(data);
    transferList.push(copy.buffer);
    return { ...plain, data: copy };
  });
  return { tensors: prepared, transferList };
}

function ownsWholeBuffer(data: Uint8Array): boolean {
  return data.byteOffset === 0 && data.byteLength === data.buffer.byteLength;
}

function isShared(buffer: ArrayBufferLike): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && buffer instanceof SharedArrayBuffer;
}
