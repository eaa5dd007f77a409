import { encodeHeaded, FrameDecodeError, readHeaded } from './frame';

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
  return encodeHeaded(
    meta,
    entries.map((entry) => entry.frame),
  );
}

/** The batch's requests, each with a view of its frame in the received buffer (no copy). */
export function decodeBatchFrame(payload: Uint8Array): { request: BatchedRequest; frame: Uint8Array }[] {
  const { header: meta, partsStart } = readHeaded<BatchMeta>(payload, 'batch');
  if (!Array.isArray(meta?.requests) || meta.requests.length === 0) throw new FrameDecodeError('batch header lists no requests');
  let offset = partsStart;
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

/** One reply a slot sends: the result frame and the requester's reply subject. */
export interface OutgoingReply {
  readonly replyTo: string;
  readonly reply: Uint8Array;
}

/** One message on the bus: where, what, and whether it is a coalesced batch of replies. */
export interface OutgoingMessage {
  readonly subject: string;
  readonly data: Uint8Array;
  readonly coalesced?: number;
}

/**
 * The last token of a reply inbox that takes coalesced replies (a gateway's ReplyInbox): its reply
 * subjects are `<inbox>.<token>`, and several replies may come together on `<inbox>.coalesced`.
 * Any other reply subject only ever gets its own reply.
 */
export const COALESCING_INBOX_MARK = 'coalescing';
/** The subject, under such an inbox, that several replies to it travel on together. */
export const COALESCED_REPLY_TOKEN = 'coalesced';

/**
 * The replies of one execution as the fewest messages: replies to the same coalescing reply inbox
 * (the same gateway) go as one batch frame to `<inbox>.coalesced`, which the inbox takes apart
 * (ReplyInbox), as long as it fits `maxPayload`; a lone reply, one too large to share, or one to
 * an inbox that does not coalesce goes on its own, as before. Entries keep request order.
 */
export function coalesceReplies(replies: readonly OutgoingReply[], maxPayload: number): OutgoingMessage[] {
  const byInbox = new Map<string, OutgoingReply[]>();
  for (const reply of replies) {
    const cut = reply.replyTo.lastIndexOf('.');
    const inbox = reply.replyTo.endsWith(`.${COALESCING_INBOX_MARK}`, cut) ? reply.replyTo.slice(0, cut) : reply.replyTo;
    const group = byInbox.get(inbox);
    if (group) group.push(reply);
    else byInbox.set(inbox, [reply]);
  }
  const messages: OutgoingMessage[] = [];
  for (const [inbox, group] of byInbox) {
    let batch: OutgoingReply[] = [];
    let bytes = 0;
    const flush = () => {
      if (batch.length === 1) messages.push({ subject: batch[0].replyTo, data: batch[0].reply });
      else if (batch.length > 1) {
        const data = encodeBatchFrame(batch.map(({ replyTo, reply }) => ({ frame: reply, replyTo, queueMicros: 0 })));
        messages.push({ subject: `${inbox}.${COALESCED_REPLY_TOKEN}`, data, coalesced: batch.length });
      }
      batch = [];
      bytes = 0;
    };
    for (const reply of group) {
      // Room for the batch header's entry too (reply subject and numbers, ~100 bytes).
      const size = reply.reply.byteLength + reply.replyTo.length + 128;
      if (bytes + size > maxPayload) flush();
      batch.push(reply);
      bytes += size;
    }
    flush();
  }
  return messages;
}
