import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { encodeBatchFrame, HEADERS, SUBJECTS, type BatchEntry } from '@flotilla/contracts';
import type { Payload } from '@flotilla/scheduling';
import { traceFieldsOf } from '@flotilla/telemetry';
import { RequestTimeoutError, type MessageBus } from '@flotilla/transport';
import type { RequestCarrier } from './scheduler.state';

/** Room in a handover message for its header (one JSON entry per request). */
const HEADER_ALLOWANCE_PER_REQUEST = 256;
/**
 * How long a handover waits to hear that nobody took it. Nobody answers a handover itself (each
 * request is answered on its own reply subject), so silence means a scheduler took it; NATS'
 * no-responders status, when none listens, comes within a round trip.
 */
const NO_RESPONDERS_WAIT_MS = 250;

/**
 * A scheduler that stops cleanly gives the requests still waiting in its queues — never sent to
 * an executor, so running them elsewhere runs each once — to the other schedulers: the frames,
 * unchanged, with their gateways' reply subjects, as one coalesced message per max_payload to
 * `flotilla.infer`, whose queue group takes it to one of them (it unsubscribed itself first).
 * The gateway waiting on each request hears the answer from wherever it ran. Returns the
 * requests nobody took (no other scheduler is running): the caller answers those with a 503.
 */
export async function handOverWaiting(bus: MessageBus, waiting: readonly Payload<RequestCarrier>[]): Promise<Payload<RequestCarrier>[]> {
  const chunks: Payload<RequestCarrier>[][] = [];
  let chunk: Payload<RequestCarrier>[] = [];
  let bytes = 0;
  for (const payload of waiting) {
    const size = payload.carrier.frame.byteLength + HEADER_ALLOWANCE_PER_REQUEST;
    if (chunk.length > 0 && bytes + size > bus.maxPayload) {
      chunks.push(chunk);
      chunk = [];
      bytes = 0;
    }
    chunk.push(payload);
    bytes += size;
  }
  if (chunk.length > 0) chunks.push(chunk);
  const untaken = await Promise.all(chunks.map((payloads) => send(bus, payloads)));
  return untaken.flat();
}

async function send(bus: MessageBus, payloads: Payload<RequestCarrier>[]): Promise<Payload<RequestCarrier>[]> {
  const entries: BatchEntry[] = payloads.map(({ carrier }) => ({ frame: carrier.frame, replyTo: carrier.replyTo, queueMicros: 0, ...traceFieldsOf(trace.setSpan(ROOT_CONTEXT, carrier.span)) }));
  try {
    await bus.request(SUBJECTS.infer, encodeBatchFrame(entries), NO_RESPONDERS_WAIT_MS, { headers: { [HEADERS.batch]: String(entries.length) } });
  } catch (error) {
    // Only silence means a scheduler took them: no responders, or a link to NATS that is down
    // (the message never left), and they are still ours to answer.
    if (!(error instanceof RequestTimeoutError)) return payloads;
  }
  // Another scheduler has them now; their queue wait here ends.
  for (const { carrier } of payloads) carrier.span.end();
  return [];
}
