import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { ROOT_CONTEXT, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import {
  encodeBatchFrame,
  encodeFrame,
  HEADERS,
  type ExecutorAnnouncement,
  type FailureReason,
  type FlotillaError,
  type ResultMeta,
  type SchedulerStatus,
  type VersionStatistics,
} from '@flotilla/contracts';
import { FleetStatistics } from '@flotilla/execution';
import { DefaultScheduler, ModelTable, queueMicros, type Batch, type Park, type Payload, type SchedulerOptions, type SlotRef } from '@flotilla/scheduling';
import { traceFieldsOf } from '@flotilla/telemetry';
import { DeadlineTimer, type MessageBus } from '@flotilla/transport';
import { FleetView, InjectBus } from '@flotilla/service-kit';
import { busGrantGate } from './bus-grant-gate';

export const SCHEDULER_OPTIONS = Symbol('SchedulerOptions');

const tracer = trace.getTracer('flotilla-scheduler');

export interface SchedulerServiceOptions {
  /** Payloads a slot may hold (prefetch); ignored with rate limiting on, which prefetches nothing. */
  readonly slotDepth: number;
  /** `--rate-limit=execution_count`: slots run payloads only when the rate limiter grants them. */
  readonly rateLimited: boolean;
  /** Unique per process: where this scheduler's grants arrive. */
  readonly schedulerId: string;
}

/** What the scheduler keeps of a request besides the domain payload: the bytes and who waits. */
export interface RequestCarrier {
  readonly replyTo: string;
  readonly frame: Uint8Array;
  /** The queue-wait span; it ends at dispatch, and the executor's compute span is its child. */
  readonly span: Span;
  /** Set once it went to a slot: from then on the executor counts it, not the scheduler. */
  dispatched?: true;
}

/**
 * The scheduler's state, owned by this one provider: the model table and the per-version queues
 * (the fleet is the process's FleetView). Listeners feed it; its effects publish on NATS.
 */
@Injectable()
export class SchedulerState implements OnApplicationShutdown {
  private readonly logger = new Logger('scheduler');
  readonly models = new ModelTable();
  readonly scheduler: DefaultScheduler<RequestCarrier>;
  /** Everything counted, per model version: live and departed executors, and this scheduler's own refusals. */
  private readonly counted = new FleetStatistics();
  /** Stamped on every payload it dispatches: the slot releases it to this scheduler alone. */
  private readonly schedulerId: string;
  /** Set while `takeAllWaiting` empties the queues: where failed payloads go instead of being answered. */
  private taking?: Payload<RequestCarrier>[];
  /** When this scheduler started (StatisticsSnapshot.startedAt). */
  readonly startedAt = Date.now();
  /** Wakes the scheduler when the earliest waiting payload's deadline passes, and only then. */
  private readonly queueDeadlines = new DeadlineTimer((now) => this.scheduler.expire(now));

  constructor(
    @InjectBus() private readonly bus: MessageBus,
    private readonly fleet: FleetView,
    @Inject(SCHEDULER_OPTIONS) options: SchedulerServiceOptions,
  ) {
    this.schedulerId = options.schedulerId;
    const schedulerOptions: SchedulerOptions = { slotDepth: options.slotDepth, ...(options.rateLimited ? { gate: busGrantGate(bus, options.schedulerId) } : {}) };
    this.scheduler = new DefaultScheduler<RequestCarrier>(
      {
        dispatch: (batch, slot, now, park) => (batch.length === 1 ? this.dispatch(batch[0], slot, now, park) : this.dispatchBatch(batch, slot, now)),
        granted: (batch, slot) => this.granted(batch[0], slot),
        fail: (payload, error, reason) => this.fail(payload, error, reason),
        wakeAt: (time) => this.queueDeadlines.ensureBy(time),
      },
      undefined,
      schedulerOptions,
    );
  }

  /** Queues a payload (or runs it at once) and makes sure it fails no later than its deadline. */
  submit(payload: Payload<RequestCarrier>): void {
    this.scheduler.submit(payload);
    this.queueDeadlines.ensureBy(payload.deadline);
  }

  onApplicationShutdown(): void {
    this.queueDeadlines.stop();
  }

  /**
   * Forwards the gateway's frame unchanged to the slot's thread, which replies straight to the
   * gateway. A parked payload (`park`) waits there for its grant: its queue span, and the wait for
   * resources in it, end when this scheduler hears that grant (`granted`); the slot adds the time
   * it held the payload to the queue time it reports.
   */
  private dispatch(payload: Payload<RequestCarrier>, slot: SlotRef, now: number, park?: Park): void {
    const { span, frame, replyTo } = payload.carrier;
    payload.carrier.dispatched = true;
    const headers: Record<string, string> = { [HEADERS.queueMicros]: String(queueMicros(payload, now)), [HEADERS.scheduler]: this.schedulerId };
    if (park) {
      headers[HEADERS.park] = park.token;
      headers[HEADERS.parkUntil] = String(Math.ceil(park.until));
    } else annotateDispatch(payload, slot);
    this.bus.publish(slot.subject, frame, { reply: replyTo, headers, trace: trace.setSpan(ROOT_CONTEXT, span) });
    if (!park) span.end();
  }

  /** A parked payload's grant: the slot runs it now, so its wait in the queue ends here. */
  private granted(payload: Payload<RequestCarrier>, slot: SlotRef): void {
    annotateDispatch(payload, slot);
    payload.carrier.span.end();
  }

  /**
   * A dynamic batch: the requests' frames, unchanged, in one batch frame to the slot's thread,
   * which runs them as one execution and answers each request on its own reply subject.
   */
  private dispatchBatch(batch: Batch<RequestCarrier>, slot: SlotRef, now: number): void {
    const formedFrom = Math.min(...batch.map((payload) => payload.enqueuedAt));
    const size = batch.reduce((sum, payload) => sum + (payload.batchSize ?? 1), 0);
    const entries = batch.map((payload) => {
      const { span, frame, replyTo } = payload.carrier;
      payload.carrier.dispatched = true;
      annotateDispatch(payload, slot);
      recordBatchFormation(span, formedFrom, batch.length, size);
      return { frame, replyTo, queueMicros: queueMicros(payload, now), ...traceFieldsOf(trace.setSpan(ROOT_CONTEXT, span)) };
    });
    this.bus.publish(slot.subject, encodeBatchFrame(entries), { headers: { [HEADERS.batch]: String(batch.length), [HEADERS.scheduler]: this.schedulerId } });
    for (const payload of batch) payload.carrier.span.end();
  }

  /**
   * Empties every queue and returns what waited, unanswered, for the caller to hand to another
   * scheduler (a clean stop). The queues give their payloads up through `failAllWaiting`; while it
   * runs, a failure is a hand-over instead.
   */
  takeAllWaiting(reason: string): Payload<RequestCarrier>[] {
    const taken: Payload<RequestCarrier>[] = [];
    this.taking = taken;
    try {
      this.scheduler.failAllWaiting(reason);
    } finally {
      this.taking = undefined;
    }
    return taken;
  }

  /** A payload taken from the queues (`takeAllWaiting`) that nobody else took: answered with `error` after all. */
  failTaken(payload: Payload<RequestCarrier>, error: FlotillaError): void {
    this.fail(payload, error, 'OTHER');
  }

  private fail(payload: Payload<RequestCarrier>, error: FlotillaError, reason: FailureReason): void {
    if (this.taking && !payload.carrier.dispatched) {
      this.taking.push(payload);
      return;
    }
    const { span, replyTo, dispatched } = payload.carrier;
    // Counted here only if no executor ever had it. One that did counts what it answered; if it
    // died, what it held since its last beat is lost with it (docs/metrics.md).
    if (!dispatched) this.counted.recordRefusal(payload.model, payload.version, (Date.now() - payload.enqueuedAt) * 1e6, Date.now(), reason);
    // A payload that fails after dispatch (its executor died) already ended its queue span.
    if (span.isRecording()) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
      span.end();
    }
    this.logger.debug(`request for ${payload.model} v${payload.version} failed: ${error.message}`);
    this.replyError(replyTo, payload.model, String(payload.version), error);
  }

  /**
   * Per model version: the scheduler's slots, plus the slots executors announced as still
   * loading — a version is ready only when every announced slot finished loading, as a Triton
   * model is READY only once all its instances are.
   */
  status(): SchedulerStatus {
    const loading = new Map<string, number>();
    for (const executor of this.fleet.executors()) {
      for (const slot of executor.slots) {
        if (slot.state !== 'loading') continue;
        const key = `${slot.model}/${slot.version}`;
        loading.set(key, (loading.get(key) ?? 0) + 1);
      }
    }
    const models = this.scheduler.status().map((entry) => {
      const pending = loading.get(`${entry.name}/${entry.version}`) ?? 0;
      loading.delete(`${entry.name}/${entry.version}`);
      return { ...entry, loading: pending, ready: entry.ready && pending === 0 };
    });
    for (const [key, pending] of loading) {
      const [name, version] = [key.slice(0, key.lastIndexOf('/')), Number(key.slice(key.lastIndexOf('/') + 1))];
      models.push({ name, version, ready: false, queued: 0, loading: pending, slots: [] });
    }
    return { models };
  }

  /**
   * Per model version, everything counted: the slots of live executors as their last beat (or
   * flush) told, the totals of executors that left, and the requests this scheduler refused.
   */
  statistics(): VersionStatistics[] {
    return this.counted.snapshot(this.fleet.executors());
  }

  /** The requests this scheduler refused itself, per model version: what no other scheduler counted. */
  refusals(): VersionStatistics[] {
    return this.counted.refusals();
  }

  /** An executor left or fell silent: its last figures count for good. */
  executorDeparted(last: ExecutorAnnouncement): void {
    this.counted.executorDeparted(last);
  }

  replyError(replyTo: string, model: string, version: string, error: FlotillaError): void {
    const meta: ResultMeta = { modelName: model, modelVersion: version, error: error.toWire() };
    this.bus.publish(replyTo, encodeFrame(meta));
  }
}

/** The request's queue span says where it runs; with rate limiting on, the resource wait is its own span. */
function annotateDispatch(payload: Payload<RequestCarrier>, slot: SlotRef): void {
  const { span } = payload.carrier;
  span.setAttributes({ 'flotilla.instance': slot.instance, 'flotilla.executor': slot.executorId, 'flotilla.device': slot.device });
  if (payload.stagedAt !== undefined) recordResourceWait(span, payload.stagedAt, slot);
}

/**
 * Dynamic batching: the batch the request joined, as its own span under its `queue` span — from
 * when the batch's oldest request arrived to its dispatch — with the batch's size.
 */
function recordBatchFormation(queue: Span, formedFrom: number, requests: number, batchSize: number): void {
  if (!queue.isRecording()) return;
  queue.setAttribute('flotilla.batch_size', batchSize);
  tracer.startSpan('dynamic batch', { startTime: formedFrom, attributes: { 'flotilla.batch_requests': requests, 'flotilla.batch_size': batchSize } }, trace.setSpan(ROOT_CONTEXT, queue)).end();
}

/**
 * Rate limiting on: the part of the queue wait spent waiting for resources — from when a slot was
 * staged for the request to its grant — as its own span under the request's `queue` span.
 */
function recordResourceWait(queue: Span, stagedAt: number, slot: SlotRef): void {
  if (!queue.isRecording()) return;
  tracer
    .startSpan('rate-limiter wait', { startTime: stagedAt, attributes: { 'flotilla.instance': slot.instance, 'flotilla.device': slot.device } }, trace.setSpan(ROOT_CONTEXT, queue))
    .end();
}
