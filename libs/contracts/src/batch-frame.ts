import { FrameDecodeError } from './frame';

/**
 * Dynamic batching on the wire: the scheduler hands a slot several requests to run as one
 * execution in one message on the slot's subject, marked by the `HEADERS.batch` header (a lone
 * request still travels as its own frame, unchanged, with no such header):
 *
 *   [u32 LE: header length H][H bytes: UTF-8 JSON BatchMeta][request frames, back to back]
 *
 * Each request frame is the gateway's frame, byte for byte (see frame.ts): the scheduler copies it
 * in without reading its tensors. Each request keeps its own reply subject, queue time and trace
 * context, so the slot answers every request on its own, straight to its own requester.
 */
export interface BatchMeta {
  readonly requests: readonly BatchedRequest[];
}

export interface BatchedRequest {
  /** Where its answer goes (the gateway's inbox): what a lone frame's NATS reply subject says. */
  readonly replyTo: string;
  /** Microseconds it waited in the scheduler's queue (a lone frame's `Flotilla-Queue-Us`). */
  readonly queueMicros: number;
  /** Length of its request frame in the body. */
  readonly frameBytes: number;
  /** W3C trace context of its `queue` span, so the execution's span for it is that span's child. */
  readonly traceparent?: string;
  readonly tracestate?: string;
}

/** One request of a batch to encode: its frame and how to answer it. */
export interface BatchEntry {
  readonly frame: Uint8Array;
  readonly replyTo: string;
  readonly queueMicros: number;
  readonly traceparent?: string;
  readonly tracestate?: string;
}

const LENGTH_PREFIX = 4;

export function encodeBatchFrame(entries: readonly BatchEntry[]): Uint8Array {
  const meta: BatchMeta = {
    requests: entries.map(({ frame, replyTo, queueMicros, traceparent, tracestate }) => ({
      replyTo,
      queueMicros,
      frameBytes: frame.byteLength,
      ...(traceparent ? { traceparent } : {}),
      ...(tracestate ? { tracestate } : {}),
    })),
  };
  const header = Buffer.from(JSON.stringify(meta), 'utf8');
  let total = LENGTH_PREFIX + header.byteLength;
  for (const entry of entries) total += entry.frame.byteLength;
  const batch = Buffer.allocUnsafe(total);
  batch.writeUInt32LE(header.byteLength, 0);
  header.copy(batch, LENGTH_PREFIX);
  let offset = LENGTH_PREFIX + header.byteLength;
  for (const entry of entries) {
    batch.set(entry.frame, offset);
    offset += entry.frame.byteLength;
  }
  return batch;
}

/** The batch's requests, each with a view of its frame in the received buffer (no copy). */
export function decodeBatchFrame(payload: Uint8Array): { request: BatchedRequest; frame: Uint8Array }[] {
  if (payload.byteLength < LENGTH_PREFIX) throw new FrameDecodeError(`batch of ${payload.byteLength} bytes is shorter than the length prefix`);
  const headerLength = new DataView(payload.buffer, payload.byteOffset, payload.byteLength).getUint32(0, true);
  if (LENGTH_PREFIX + headerLength > payload.byteLength) throw new FrameDecodeError(`batch header length ${headerLength} exceeds the ${payload.byteLength}-byte payload`);
  let meta: BatchMeta;
  try {
    meta = JSON.parse(Buffer.from(payload.buffer, payload.byteOffset + LENGTH_PREFIX, headerLength).toString('utf8')) as BatchMeta;
  } catch (error) {
    throw new FrameDecodeError(`batch header is not JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(meta?.requests) || meta.requests.length === 0) throw new FrameDecodeError('batch header lists no requests');
  let offset = LENGTH_PREFIX + headerLength;
  const requests = meta.requests.map((request, index) => {
    if (!Number.isInteger(request.frameBytes) || request.frameBytes < 0 || offset + request.frameBytes > payload.byteLength) {
      throw new FrameDecodeError(`batch request ${index} (${request.frameBytes} bytes) runs past the end of the payload`);
    }
    const frame = payload.subarray(offset, offset + request.frameBytes);
    offset += request.frameBytes;
    return { request, frame };
  });
  if (offset !== payload.byteLength) throw new FrameDecodeError(`${payload.byteLength - offset} trailing bytes after the batch's last request`);
  return requests;
}
