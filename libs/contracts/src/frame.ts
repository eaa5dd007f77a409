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
  return encodeHeaded(
    header,
    tensors.map((tensor) => tensor.data),
  );
}

/**
 * The layout every binary message shares (this frame, and batch-frame.ts's): a u32 LE length, a
 * UTF-8 JSON header, then the parts back to back. One allocation and one copy per part: the NATS
 * client needs a single contiguous payload.
 */
export function encodeHeaded(header: unknown, parts: readonly Uint8Array[]): Uint8Array {
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  let total = LENGTH_PREFIX + headerBytes.byteLength;
  for (const part of parts) total += part.byteLength;
  const message = Buffer.allocUnsafe(total);
  message.writeUInt32LE(headerBytes.byteLength, 0);
  headerBytes.copy(message, LENGTH_PREFIX);
  let offset = LENGTH_PREFIX + headerBytes.byteLength;
  for (const part of parts) {
    message.set(part, offset);
    offset += part.byteLength;
  }
  return message;
}

/** The JSON header of a message laid out by `encodeHeaded`, and where its parts start; `what` names it in errors. */
export function readHeaded<H>(payload: Uint8Array, what = ''): { header: H; partsStart: number } {
  const prefix = what ? `${what} ` : '';
  if (payload.byteLength < LENGTH_PREFIX) throw new FrameDecodeError(`${prefix}${payload.byteLength} bytes is shorter than the length prefix`);
  const headerLength = new DataView(payload.buffer, payload.byteOffset, payload.byteLength).getUint32(0, true);
  const partsStart = LENGTH_PREFIX + headerLength;
  if (partsStart > payload.byteLength) throw new FrameDecodeError(`${prefix}header length ${headerLength} exceeds the ${payload.byteLength}-byte payload`);
  try {
    return { header: JSON.parse(Buffer.from(payload.buffer, payload.byteOffset + LENGTH_PREFIX, headerLength).toString('utf8')) as H, partsStart };
  } catch (error) {
    throw new FrameDecodeError(`${prefix}header is not JSON (${(error as Error).message})`);
  }
}

export class FrameDecodeError extends Error {
  constructor(message: string) {
    super(`malformed frame: ${message}`);
    this.name = 'FrameDecodeError';
  }
}

export function decodeFrame<M>(payload: Uint8Array): Frame<M> {
  const { header, partsStart: tensorsStart } = readHeaded<FrameHeader<M>>(payload);
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
  return readHeaded<FrameHeader<M>>(payload).header;
}
