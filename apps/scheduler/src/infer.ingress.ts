import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Subscription } from '@nats-io/transport-node';
import { SpanKind, trace, type Context } from '@opentelemetry/api';
import { decodeBatchFrame, FlotillaError, HEADERS, internal, invalidArg, peekFrameHeader, QUEUE_GROUPS, SUBJECTS, unavailable, type BatchedRequest, type Grants, type InferMeta, type SlotReleased } from '@flotilla/contracts';
import { batchKeyOf } from '@flotilla/scheduling';
import { contextOfTraceFields } from '@flotilla/telemetry';
import { decodeJson, type IncomingMessage, type MessageBus } from '@flotilla/transport';
import { InjectBus } from '@flotilla/service-kit';
import { handOverWaiting } from './queue-handover';
import { SchedulerHeartbeat } from './scheduler-heartbeat';
import { SCHEDULER_OPTIONS, SchedulerState, type SchedulerServiceOptions } from './scheduler.state';

const tracer = trace.getTracer('flotilla-scheduler');

/**
 * The scheduler's hot path, on the raw NATS client rather than a Nest controller (binary frames,
 * no JSON packet, no per-message framework layer): inference requests come in, slots' releases
 * free them for the next payload, and (rate limiting on) the rate limiter's grants let staged
 * slots run. A request's version is resolved, its queue-wait span opened and
 * the payload handed to the default scheduler; only the frame's JSON header is read, and the
 * tensor bytes are forwarded to the executor untouched.
 */
@Injectable()
export class InferIngress implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('scheduler');
  private requests: Subscription[] = [];

  constructor(
    @InjectBus() private readonly bus: MessageBus,
    private readonly state: SchedulerState,
    private readonly heartbeat: SchedulerHeartbeat,
    @Inject(SCHEDULER_OPTIONS) private readonly options: SchedulerServiceOptions,
  ) {}

  onApplicationBootstrap(): void {
    const admit = (message: IncomingMessage) => {
      if (message.header(HEADERS.batch) !== undefined) this.admitCoalesced(message);
      else if (message.reply) this.admit(message.data, message.reply, message.traceContext());
    };
    // Its own subject: the requests for the models it owns (gateways address each request to its
    // model's owner). The shared queue group takes what a gateway sends while it knows no
    // scheduler yet; any scheduler can serve any model, ownership only keeps each model on one.
    this.requests = [
      this.bus.subscribe(SUBJECTS.inferAt(this.options.schedulerId), admit),
      this.bus.subscribe(SUBJECTS.infer, admit, { queue: QUEUE_GROUPS.scheduler }),
    ];
    // Only the releases of payloads this scheduler dispatched: each is stamped with its id.
    for (const base of [SUBJECTS.slotReleased, SUBJECTS.slotReleasedGated]) {
      this.bus.subscribe(SUBJECTS.releasedTo(base, this.options.schedulerId), (message) => {
        const { slotId, count, unparked, handedTo } = decodeJson<SlotReleased>(message.data);
        this.state.scheduler.release(slotId, count ?? 1, unparked);
        // Its resources went straight to a payload parked at a slot of the same executor, which
        // runs it already: for the scheduler that parked it (this one, most often) that is its
        // grant, heard here without a word from the rate limiter (which tells other schedulers).
        if (handedTo && this.options.rateLimited) this.state.scheduler.grant(handedTo.slotId, handedTo.token);
      });
    }
    // Subscribed first: a gateway that hears this scheduler beat may send to it at once.
    this.heartbeat.start();
    if (this.options.rateLimited) {
      this.bus.subscribe(SUBJECTS.rateLimiterGrant(this.options.schedulerId), (message) => {
        const grants = decodeJson<Grants>(message.data);
        for (const slotId of grants.slots) this.state.scheduler.grant(slotId);
        for (const { slotId, token } of grants.parked ?? []) this.state.scheduler.grant(slotId, token);
      });
      this.bus.subscribe(SUBJECTS.rateLimiterUnreachable(this.options.schedulerId), () => {
        if (this.state.scheduler.rateLimiterUnreachable()) {
          this.logger.warn('the rate limiter is unreachable: versions whose instances need no resources run without grants until it is back');
        }
      });
    }
  }

  /**
   * A stop (SIGTERM): say goodbye (gateways send this one's models to the others from then on),
   * take no more requests — one still on its way meets no responders, and the gateway sends it to
   * the model's next owner (InferClient) — and give the requests waiting in its queues to another
   * scheduler (`handOverWaiting`), or, with none left, answer them with a 503 now rather than
   * leave their gateways waiting for the deadline. What is already at an executor is answered from
   * there; releases are still heard until the connection drains, last.
   */
  async beforeApplicationShutdown(): Promise<void> {
    await this.heartbeat.leave();
    // Drained, not just unsubscribed: a request nats-server delivered before it saw the
    // unsubscription is still admitted (and then handed over), rather than dropped on arrival.
    // (With the link down nothing can arrive, and a drain would wait for the link: just unsubscribe.)
    if (this.bus.link.up) await Promise.all(this.requests.map((subscription) => subscription.drain().catch(() => undefined)));
    else for (const subscription of this.requests) subscription.unsubscribe();
    const reason = 'the scheduler is shutting down: the request was waiting in its queue; retry it';
    const waiting = this.state.takeAllWaiting(reason);
    if (waiting.length === 0) return;
    const untaken = await handOverWaiting(this.bus, waiting);
    for (const payload of untaken) this.state.failTaken(payload, unavailable(reason));
    this.logger.log(
      `stopping: handed ${waiting.length - untaken.length} waiting request(s) to the other schedulers` + (untaken.length ? `, answered ${untaken.length} with 503 (no other scheduler)` : ''),
    );
  }

  /** Requests a gateway sent in one message (its RequestCoalescer): each admitted on its own. */
  private admitCoalesced(message: IncomingMessage): void {
    let requests: { request: BatchedRequest; frame: Uint8Array }[];
    try {
      requests = decodeBatchFrame(message.data);
    } catch (error) {
      // Nobody can be told: the gateway's requests time out, and this says why.
      this.logger.error(`a coalesced message from a gateway could not be read: ${(error as Error).message}`);
      return;
    }
    for (const { request, frame } of requests) this.admit(frame, request.replyTo, contextOfTraceFields(request));
  }

  private admit(data: Uint8Array, replyTo: string, parent: Context): void {
    let meta: InferMeta;
    let inputs;
    try {
      ({ meta, tensors: inputs } = peekFrameHeader<InferMeta>(data));
    } catch (error) {
      this.state.replyError(replyTo, '', '', invalidArg((error as Error).message));
      return;
    }
    const span = tracer.startSpan(
      'queue',
      { kind: SpanKind.CONSUMER, attributes: { 'triton.model_name': meta.model, 'triton.request_id': meta.id ?? '', 'messaging.system': 'nats', 'messaging.destination.name': SUBJECTS.infer } },
      parent,
    );
    // Triton's QUEUE_START: the request enters the scheduler's queue (a no-op when it is not traced).
    span.addEvent('QUEUE_START');
    try {
      const version = this.state.models.resolve(meta.model, meta.version);
      span.setAttribute('triton.model_version', String(version));
      const policy = this.state.scheduler.policyOf(meta.model);
      // Only a batching model's requests need their shapes read: the batcher groups by them.
      const batchKey = policy.dynamicBatching && policy.maxBatchSize > 0 ? batchKeyOf(meta.inputsAt?.tensors ?? inputs) : undefined;
      this.state.submit({
        model: meta.model,
        version,
        requestId: meta.id,
        enqueuedAt: performance.timeOrigin + performance.now(),
        deadline: meta.deadline,
        carrier: { replyTo, frame: data, span },
        ...batchKey,
        ...(meta.priority ? { priority: meta.priority } : {}),
        ...(meta.timeoutMicros ? { timeoutMicros: meta.timeoutMicros } : {}),
      });
    } catch (error) {
      span.end();
      this.state.replyError(replyTo, meta.model, meta.version, error instanceof FlotillaError ? error : internal(String(error)));
    }
  }
}
