// The hand-over of a stopping scheduler's queue, with the bus stood in for: requests go in
// messages no larger than max_payload, and those nobody took come back to be answered.
import { decodeBatchFrame, HEADERS, SUBJECTS } from '@flotilla/contracts';
import type { Payload } from '@flotilla/scheduling';
import { NoRespondersError, RequestTimeoutError, type MessageBus, type PublishOptions } from '@flotilla/transport';
import { handOverWaiting } from './queue-handover';
import type { RequestCarrier } from './scheduler.state';

function payload(n: number, bytes: number): Payload<RequestCarrier> {
  let ended = false;
  const span = { end: () => (ended = true), isRecording: () => false, spanContext: () => ({ traceId: '0'.repeat(32), spanId: '0'.repeat(16), traceFlags: 0 }) };
  return {
    model: 'm',
    version: 1,
    enqueuedAt: 0,
    deadline: Date.now() + 60_000,
    carrier: { replyTo: `_INBOX.gateway.${n}`, frame: new Uint8Array(bytes).fill(n), span: span as unknown as RequestCarrier['span'], get ended() { return ended; } } as RequestCarrier & { ended: boolean },
  } as Payload<RequestCarrier>;
}

function fakeBus(maxPayload: number, answer: (sent: number) => Promise<unknown>) {
  const sent: { subject: string; data: Uint8Array; headers?: Record<string, string> }[] = [];
  const bus = {
    maxPayload,
    request: (subject: string, data: Uint8Array, _timeoutMs: number, options: PublishOptions = {}) => {
      sent.push({ subject, data, ...(options.headers ? { headers: options.headers } : {}) });
      return answer(sent.length);
    },
  } as unknown as MessageBus;
  return { bus, sent };
}

const silence = () => new Promise((_resolve, reject) => setTimeout(() => reject(new RequestTimeoutError(250)), 1));

describe('handOverWaiting', () => {
  it('sends the waiting requests, unchanged and with their own reply subjects, in messages within max_payload', async () => {
    const { bus, sent } = fakeBus(2000, silence);
    const waiting = [1, 2, 3, 4].map((n) => payload(n, 600));
    expect(await handOverWaiting(bus, waiting)).toEqual([]);
    expect(sent.map((message) => message.subject)).toEqual([SUBJECTS.infer, SUBJECTS.infer]);
    for (const message of sent) expect(message.data.byteLength).toBeLessThanOrEqual(2000);
    const requests = sent.flatMap((message) => decodeBatchFrame(message.data));
    expect(requests.map(({ request }) => request.replyTo)).toEqual(waiting.map((p) => p.carrier.replyTo));
    expect(requests.map(({ frame }) => frame[0])).toEqual([1, 2, 3, 4]);
    expect(sent[0].headers?.[HEADERS.batch]).toBe(String(decodeBatchFrame(sent[0].data).length));
    // Taken: their queue wait here is over.
    expect(waiting.every((p) => (p.carrier as RequestCarrier & { ended: boolean }).ended)).toBe(true);
  });

  it('gives back the requests of a message nobody took (no other scheduler), for a 503', async () => {
    const { bus } = fakeBus(2000, (n) => (n === 1 ? silence() : Promise.reject(new NoRespondersError(SUBJECTS.infer))));
    const waiting = [1, 2, 3, 4].map((n) => payload(n, 600));
    const untaken = await handOverWaiting(bus, waiting);
    expect(untaken.map((p) => p.carrier.frame[0])).toEqual([3, 4]); // the second message: two requests of 600 bytes each
    expect((untaken[0].carrier as RequestCarrier & { ended: boolean }).ended).toBe(false);
  });
});
