import type { Context } from '@opentelemetry/api';
import { encodeBatchFrame, HEADERS, type BatchEntry } from '@flotilla/contracts';
import { traceFieldsOf } from '@flotilla/telemetry';
import type { IncomingMessage, MessageBus } from '@flotilla/transport';

/** Room left in a batch message for its header (one JSON entry per request, ~150 bytes each). */
const HEADER_ALLOWANCE_PER_REQUEST = 256;

interface Outgoing {
  readonly entry: BatchEntry;
  readonly trace: Context;
  readonly timeoutMs: number;
}

/**
 * Inference requests that leave this gateway in the same event-loop turn travel to the scheduler
 * as one message (a batch frame, `Flotilla-Batch`), so the hop's per-message cost — a publish
 * here, a delivery and a wake-up at the scheduler, nats-server's own work — is paid per turn, not
 * per request. Under load many requests finish reading their bodies in one turn (one poll phase).
 * The first request of a turn goes at once, alone, as it always did — so a lone request waits for
 * nothing — and the ones after it in the same turn go together at the turn's end (`setImmediate`).
 *
 * Each request keeps its own reply subject, so its answer still comes straight from the executor
 * that ran it; when no scheduler listens, NATS' no-responders status comes to the batch's group
 * reply subject and fails every request in it at once. A batch never exceeds the bus's
 * max_payload: a request that would overflow it starts the next batch.
 */
export class RequestCoalescer {
  private pending: Outgoing[] = [];
  private pendingBytes = 0;
  /** A request already went this turn: the next ones wait for the turn's end, together. */
  private turnStarted = false;

  constructor(
    private readonly bus: MessageBus,
    private readonly subject: string,
  ) {}

  request(frame: Uint8Array, timeoutMs: number, trace: Context): Promise<IncomingMessage> {
    const { reply, answer } = this.bus.openReply(timeoutMs);
    if (!this.turnStarted) {
      this.turnStarted = true;
      setImmediate(() => this.flush());
      this.bus.publish(this.subject, frame, { reply, trace });
      return answer;
    }
    const size = frame.byteLength + HEADER_ALLOWANCE_PER_REQUEST;
    if (this.pending.length > 0 && this.pendingBytes + size > this.bus.maxPayload) this.flush();
    this.pending.push({ entry: { frame, replyTo: reply, queueMicros: 0, ...traceFieldsOf(trace) }, trace, timeoutMs });
    this.pendingBytes += size;
    return answer;
  }

  private flush(): void {
    const batch = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    this.turnStarted = false;
    if (batch.length === 0) return;
    if (batch.length === 1) {
      const [{ entry, trace }] = batch;
      this.bus.publish(this.subject, entry.frame, { reply: entry.replyTo, trace });
      return;
    }
    const group = this.bus.replyGroup(
      batch.map((outgoing) => outgoing.entry.replyTo),
      Math.max(...batch.map((outgoing) => outgoing.timeoutMs)),
    );
    this.bus.publish(this.subject, encodeBatchFrame(batch.map((outgoing) => outgoing.entry)), { headers: { [HEADERS.batch]: String(batch.length) }, reply: group });
  }
}
