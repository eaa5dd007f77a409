import { coalesceReplies, decodeBatchFrame, encodeBatchFrame } from './batch-frame';
import { decodeFrame, encodeFrame } from './frame';

describe('batch frames', () => {
  it('carry each request frame byte for byte with its own reply subject, queue time and trace context', () => {
    const first = encodeFrame({ model: 'm', id: 'a' }, [{ name: 'X', datatype: 'FP32', shape: [1, 2], data: new Uint8Array(new Float32Array([1, 2]).buffer) }]);
    const second = encodeFrame({ model: 'm', id: 'b' });
    const batch = encodeBatchFrame([
      { frame: first, replyTo: '_INBOX.1', queueMicros: 12, traceparent: '00-abc-def-01' },
      { frame: second, replyTo: '_INBOX.2', queueMicros: 7 },
    ]);
    const decoded = decodeBatchFrame(batch);
    expect(decoded.map((d) => d.request)).toEqual([
      { replyTo: '_INBOX.1', queueMicros: 12, frameBytes: first.byteLength, traceparent: '00-abc-def-01' },
      { replyTo: '_INBOX.2', queueMicros: 7, frameBytes: second.byteLength },
    ]);
    expect(Buffer.from(decoded[0].frame).equals(Buffer.from(first))).toBe(true);
    expect(decodeFrame<{ id: string }>(decoded[1].frame).meta.id).toBe('b');
  });

  it('refuses a truncated batch, trailing bytes and an empty request list, naming the problem', () => {
    const batch = encodeBatchFrame([{ frame: encodeFrame({ model: 'm' }), replyTo: 'r', queueMicros: 0 }]);
    expect(() => decodeBatchFrame(batch.subarray(0, batch.byteLength - 1))).toThrow(/batch request 0 .* runs past the end/);
    expect(() => decodeBatchFrame(Buffer.concat([batch, Buffer.from([0])]))).toThrow(/1 trailing bytes after the batch's last request/);
    expect(() => decodeBatchFrame(encodeBatchFrame([]))).toThrow(/lists no requests/);
    expect(() => decodeBatchFrame(new Uint8Array(2))).toThrow(/shorter than the length prefix/);
  });
});

describe('coalesceReplies', () => {
  const reply = (replyTo: string, bytes = 10) => ({ replyTo, reply: new Uint8Array(bytes).fill(replyTo.length) });

  it('sends replies to one inbox as one batch frame on its coalesced subject, in request order, and lone ones as they are', () => {
    const messages = coalesceReplies([reply('_INBOX.a.coalescing.1'), reply('_INBOX.b.coalescing.7'), reply('_INBOX.a.coalescing.2'), reply('_INBOX.x.1'), reply('_INBOX.x.2')], 1 << 20);
    expect(messages.map((m) => [m.subject, m.coalesced])).toEqual([
      ['_INBOX.a.coalescing.coalesced', 2],
      ['_INBOX.b.coalescing.7', undefined],
      ['_INBOX.x.1', undefined], // an inbox that does not coalesce gets each reply on its own
      ['_INBOX.x.2', undefined],
    ]);
    expect(decodeBatchFrame(messages[0].data).map((entry) => entry.request.replyTo)).toEqual(['_INBOX.a.coalescing.1', '_INBOX.a.coalescing.2']);
  });

  it('never builds a message above max_payload', () => {
    const messages = coalesceReplies([reply('_INBOX.a.coalescing.1', 600), reply('_INBOX.a.coalescing.2', 600), reply('_INBOX.a.coalescing.3', 600)], 1500);
    expect(messages.map((m) => m.coalesced ?? 1)).toEqual([2, 1]);
    expect(messages.every((m) => m.data.byteLength <= 1500)).toBe(true);
  });
});
