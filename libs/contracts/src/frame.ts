import type { Datatype } from './datatypes';
import type { Tensor } from './tensor';

/**
 * The binary frame every tensor-carrying NATS message uses:
 *
 *   [u32 LE: header length H][H bytes: UTF-8 JSON header][tensor bytes, back to back]
 *
 * The JSON header holds the message's metadata plus one descriptor per tensor; the tensor bytes
 * follow in descriptor order. Decoding returns views into the received buffer, so tensor bytes are
 * never copied or base64'd between the gateway, the scheduler and the executors. A frame can be
 * forwarded unchanged (the scheduler does), because nothing in it names the hop it is on.
 */
export interface FrameHeader<M> {
  readonly meta: M;
  readonly tensors: readonly FrameTensor[];
}

export interface FrameTensor {
  readonly name: string;
  readonly datatype: Datatype;
  readonly shape: readonly number[];
  readonly byteLength: number;
}

export interface Frame<M> {
  readonly meta: M;
  readonly tensors: Tensor[];
}

const LENGTH_PREFIX = 4;

export function encodeFrame<M>(meta: M, tensors: readonly Tensor[] = []): Uint8Array {
  const header: FrameHeader<M> = {
    meta,
    tensors: tensors.map(({ name, datatype, shape, data }) => ({ name, datatype, shape, byteLength: data.byteLength })),
  };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  let total = LENGTH_PREFIX + headerBytes.byteLength;
  for (const tensor of tensors) total += tensor.data.byteLength;

  // One allocation and one copy per tensor: the NATS client needs a single contiguous payload.
  const frame = Buffer.allocUnsafe(total);
  frame.writeUInt32LE(headerBytes.byteLength, 0);
  headerBytes.copy(frame, LENGTH_PREFIX);
  let offset = LENGTH_PREFIX + headerBytes.byteLength;
  for (const tensor of tensors) {
    frame.set(tensor.data, offset);
    offset += tensor.data.byteLength;
  }
  return frame;
}

export class FrameDecodeError extends Error {
  constructor(message: string) {
    super(`malformed frame: ${message}`);
    this.name = 'FrameDecodeError';
  }
}

export function decodeFrame<M>(payload: Uint8Array): Frame<M> {
  if (payload.byteLength < LENGTH_PREFIX) throw new FrameDecodeError(`${payload.byteLength} bytes is shorter than the length prefix`);
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const headerLength = view.getUint32(0, true);
  const tensorsStart = LENGTH_PREFIX + headerLength;
  if (tensorsStart > payload.byteLength) throw new FrameDecodeError(`header length ${headerLength} exceeds the ${payload.byteLength}-byte payload`);

  let header: FrameHeader<M>;
  try {
    header = JSON.parse(Buffer.from(payload.buffer, payload.byteOffset + LENGTH_PREFIX, headerLength).toString('utf8'));
  } catch (error) {
    throw new FrameDecodeError(`header is not JSON (${(error as Error).message})`);
  }

  const tensors: Tensor[] = [];
  let offset = tensorsStart;
  for (const { name, datatype, shape, byteLength } of header.tensors) {
    if (offset + byteLength > payload.byteLength) throw new FrameDecodeError(`tensor '${name}' runs past the end of the payload`);
    tensors.push({ name, datatype, shape, data: payload.subarray(offset, offset + byteLength) });
    offset += byteLength;
  }
  if (offset !== payload.byteLength) throw new FrameDecodeError(`${payload.byteLength - offset} trailing bytes after the last tensor`);
  return { meta: header.meta, tensors };
}

/** Reads only the metadata, for hops that route a frame without touching its tensors. */
export function peekFrameMeta<M>(payload: Uint8Array): M {
  return peekFrameHeader<M>(payload).meta;
}

/** Reads the metadata and the tensors' descriptors (names, datatypes, shapes), not their bytes. */
export function peekFrameHeader<M>(payload: Uint8Array): FrameHeader<M> {
  if (payload.byteLength < LENGTH_PREFIX) throw new FrameDecodeError(`${payload.byteLength} bytes is shorter than the length prefix`);
  const headerLength = new DataView(payload.buffer, payload.byteOffset, payload.byteLength).getUint32(0, true);
  if (LENGTH_PREFIX + headerLength > payload.byteLength) throw new FrameDecodeError(`header length ${headerLength} exceeds the payload`);
  try {
    return JSON.parse(Buffer.from(payload.buffer, payload.byteOffset + LENGTH_PREFIX, headerLength).toString('utf8')) as FrameHeader<M>;
  } catch (error) {
    throw new FrameDecodeError(`header is not JSON (${(error as Error).message})`);
  }
}
