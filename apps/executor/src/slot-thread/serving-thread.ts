// Entry point of one slot's worker thread in the executor (the thread script SlotLoader gives
// SlotWorker). It takes its payloads from NATS itself, not from the main thread: it subscribes to
// the slot's own subject, runs payloads one at a time in arrival order, publishes each reply straight to the
// gateway's inbox, then releases it to the scheduler (in batches when busy: ReleaseBatcher). A
// payload is a lone request, or a batch frame of several (Flotilla-Batch header) run as one
// execution, each request answered on its own reply subject. The
// executor's main thread never touches a payload; it loads, renames and closes slots, and
// announces them.
//
// Why: every hand-off between threads is a wake-up, and on small machines a wake-up costs
// 0.2–0.4 ms of CPU — as much as everything else a request costs the executor. Receiving here
// saves the main thread two wake-ups per payload, and the slot goes from one payload to the next
// without waiting for the main thread to hand it over.
//
// A slot whose group needs rate-limiter resources may also get payloads *parked* ahead of their
// grant (Flotilla-Park header): they wait in its ParkingLot until the rate limiter's grant reaches
// the slot on its go subject, then join the run queue like any other. When such a payload's
// execution ends and the rate limiter named a successor for it (a payload parked at this slot or
// another of this executor, which its release would be granted to anyway), the thread hands the
// resources over at once — to itself, or straight to the other slot's thread (HandOverChannels) —
// before it answers and releases (`handedTo`): no process is woken between two executions on a
// contended resource.
//
// Lifecycle messages are SlotWorker's (ready / load-failed / close, through SlotThreadContext);
// see serving-protocol.ts for the rest.
import { coalesceReplies, HEADERS, SUBJECTS, type SlotGo, type SlotHandOver, type SlotReleased, type SlotSuccessor } from '@flotilla/contracts';
import { SlotThreadContext, type ModelRunner, type ThreadMessage } from '@flotilla/backends';
import { isSampledTraceparent } from '@flotilla/telemetry';
import { decodeJson, encodeJson, MessageBus, type IncomingMessage } from '@flotilla/transport';
import type { BatchOutcome } from './batch-execution';
import { ParkingLot } from './parking-lot';
import { PayloadExecutor } from './payload-executor';
import { ReleaseBatcher, type Release } from './release-batcher';
import { HandOverChannels } from './hand-over-channels';
import type { FromServingThread, RenameInstance, ServingConfig } from './serving-protocol';
import { Successors } from './successors';

const thread = new SlotThreadContext<ServingConfig>();
const config = thread.data;
const send = (message: FromServingThread) => thread.send(message);

async function serve(): Promise<void> {
  const runner = await thread.loadRunner();
  if (runner) await serveWith(runner); // else SlotWorker.start rejects with the reason, and the thread ends
}

async function serveWith(runner: ModelRunner): Promise<void> {
  const bus = await MessageBus.connect({ servers: config.natsServers, name: `executor ${config.executorId} slot ${config.slotId}`, credentials: config.natsCredentials });
  bus.watchRefusals((text) => console.error(`executor ${config.executorId} slot ${config.slotId}: ${text}`));
  // The client resubscribes by itself after an outage; the flush makes sure the server has the
  // subscription before the main thread tells the fleet this slot takes payloads again.
  bus.link.onChange((state) => {
    if (state === 'down') send({ kind: 'link', up: false });
    else if (state === 'up') void bus.flush().then(() => send({ kind: 'link', up: true }), () => undefined);
  });
  const executor = new PayloadExecutor(runner, config, bus.maxPayload);
  const releases = new ReleaseBatcher(config.releaseBatch);
  // `parked`: the release of a parked payload — given up unrun (`unparked`), or run, with where its
  // resources went (`handedTo`); a gated slot's releases are never held back, so it travels alone.
  const publishReleases = (releases: readonly Release[], parked?: { readonly token: string; readonly unparked: boolean; readonly handedTo?: SlotHandOver }) => {
    const about = parked === undefined ? {} : parked.unparked ? { unparked: parked.token } : { token: parked.token, ...(parked.handedTo ? { handedTo: parked.handedTo } : {}) };
    for (const { subject, count } of releases) {
      const release: SlotReleased = { slotId: config.slotId, executorId: config.executorId, count, ...about };
      bus.publish(subject, encodeJson(release));
    }
  };
  // To the scheduler that dispatched the payload (its Flotilla-Scheduler header): with several
  // schedulers, only that one counts this slot free again.
  const releaseSubjectOf = (message: IncomingMessage) => SUBJECTS.releasedTo(config.releaseSubject, message.header(HEADERS.scheduler));

  // One payload at a time, in the order they arrived (parked ones: in the order of their grants):
  // a slot never runs two at once.
  let tail: Promise<void> = Promise.resolve();
  const enqueue = (execute: () => Promise<void>) => {
    releases.received();
    // run() answers every failure of the model itself; what lands here is NATS failing to
    // publish, and the next payload must still run.
    tail = tail.then(execute).catch((error: unknown) => console.error(`slot ${config.slotId}: could not answer a payload: ${String(error)}`));
  };
  /**
   * `parkedMs`: how long it waited here for its grant, which counts as queue time. `parked`: its
   * parking token; `unparked`: it was given up unrun (its deadline came before its grant).
   */
  const run = async (message: IncomingMessage, parkedMs = 0, parked?: string, unparked = false) => {
    const queueMicros = Number(message.header(HEADERS.queueMicros) ?? 0) + Math.round(parkedMs * 1000);
    const outcome = await executor.execute(message.data, queueMicros, unparked);
    // Its resources to the next execution first (they are what everyone waits for), then the
    // answer, then the release: the next payload the scheduler sends never overtakes this answer.
    // A successor named only while the model ran is still on the socket (the model holds the
    // thread): without one known, read what waits there first — one turn of the event loop.
    if (parked !== undefined && !unparked && successors.of(parked) === undefined) await new Promise((resolve) => setImmediate(resolve));
    const successor = parked === undefined ? undefined : successors.finish(parked);
    const handedTo = unparked ? undefined : successor; // a payload given up held no resources
    if (handedTo) handOver(handedTo);
    if (message.reply) bus.publish(message.reply, outcome.reply);
    publishReleases(releases.finished(releaseSubjectOf(message)), parked === undefined ? undefined : { token: parked, unparked, ...(handedTo ? { handedTo } : {}) });
    // Only a traced request's span: the gateway decided, and its traceparent's sampled flag says so.
    const traceparent = config.reportSpans ? message.header('traceparent') : undefined;
    if (isSampledTraceparent(traceparent)) {
      const tracestate = message.header('tracestate');
      const traceHeaders: Record<string, string> = { traceparent: traceparent!, ...(tracestate ? { tracestate } : {}) };
      const { startMs, endMs, computeStartMs, computeEndMs, model, error } = outcome;
      send({ kind: 'span', traceHeaders, startMs, endMs, model, ...(computeStartMs !== undefined ? { computeStartMs, computeEndMs } : {}), ...(error ? { error } : {}) });
    }
  };
  // A batch frame (dynamic batching): one execution, each request answered on its own reply
  // subject in request order, then one release — the scheduler holds the batch as one payload.
  const runBatch = async (message: IncomingMessage) => {
    let outcome: BatchOutcome | undefined;
    try {
      outcome = await executor.executeBatch(message.data);
    } catch (error) {
      // Only a batch frame that cannot be read gets here (every request's own failure is its own
      // error reply): no request in it can be told. The slot is free again all the same.
      console.error(`slot ${config.slotId}: dropped a batch frame it could not read: ${(error as Error)?.message ?? error}`);
    }
    // Replies to the same gateway travel as one message: one wake-up there per batch, not per request.
    const answers = (outcome?.replies ?? []).filter((answer) => answer.replyTo);
    for (const message of coalesceReplies(answers, bus.maxPayload)) {
      bus.publish(message.subject, message.data, message.coalesced ? { headers: { [HEADERS.batch]: String(message.coalesced) } } : {});
    }
    publishReleases(releases.finished(releaseSubjectOf(message)));
    if (config.reportSpans && outcome) {
      const batchRequests = outcome.replies.length;
      const spans = outcome.replies
        .filter(({ traceHeaders }) => isSampledTraceparent(traceHeaders.traceparent))
        .map(({ traceHeaders, startMs, endMs, computeStartMs, computeEndMs, model, error, batchSize }) => ({
          traceHeaders,
          startMs,
          endMs,
          model,
          batchRequests,
          ...(computeStartMs !== undefined ? { computeStartMs, computeEndMs } : {}),
          ...(batchSize !== undefined ? { batchSize } : {}),
          ...(error ? { error } : {}),
        }));
      if (spans.length > 0) send({ kind: 'batch-spans', spans });
    }
  };
  const parking = new ParkingLot<{ message: IncomingMessage; at: number; token: string }>(
    ({ message, at, token }) => enqueue(() => run(message, performance.now() - at, token)),
    ({ message, at, token }) => enqueue(() => run(message, performance.now() - at, token, true)),
  );
  const successors = new Successors();
  const handOvers = new HandOverChannels();
  /**
   * The payload parked here with `token` runs now: on the rate limiter's grant (which names its
   * successor, or none), or on resources handed over by this slot or another (successor not told).
   */
  const go = (token: string, next?: SlotHandOver | null) => {
    successors.granted(token, next);
    parking.go(token);
  };
  /** This slot's resources go to the payload parked with `token` at `slotId`: here, or in that slot's thread. */
  const handOver = ({ slotId, token }: SlotHandOver) => (slotId === config.slotId ? go(token) : handOvers.send(slotId, { token }));
  if (config.goSubject) handOvers.listen(config.slotId, ({ token }) => go(token));
  const subscription = bus.subscribe(config.subject, (message) => {
    const token = message.header(HEADERS.park);
    if (token !== undefined) return parking.park(token, Number(message.header(HEADERS.parkUntil)), { message, at: performance.now(), token });
    enqueue(() => (message.header(HEADERS.batch) === undefined ? run(message) : runBatch(message)));
  });
  // The rate limiter's grants for parked payloads, and its word on their successors.
  const grants = config.goSubject
    ? bus.subscribe(config.goSubject, (message) => {
        const word = decodeJson<SlotGo | SlotSuccessor>(message.data);
        if ('after' in word) return successors.name(word.after, word.next);
        go(word.token, word.next ?? null);
      })
    : undefined;
  // The server must know the subscription before the slot is announced ready, or the scheduler's
  // first payloads could go to a subject nobody listens on yet.
  await bus.flush();
  thread.ready(runner);

  thread.port.on('message', (message: ThreadMessage) => {
    if (message.kind === 'rename') executor.instance = (message as RenameInstance).instance;
    if (message.kind === 'close') void close();
  });

  /**
   * Payloads already sent here still run and are answered (as Triton finishes in-flight requests
   * on unload), parked ones once their grant comes (a draining slot keeps its stage) or their
   * deadline passes; then the session is released and the thread ends, which SlotWorker reports.
   */
  async function close(): Promise<void> {
    await subscription.drain().catch(() => undefined);
    await parking.whenEmpty();
    grants?.unsubscribe();
    handOvers.close();
    await tail;
    await bus.drain().catch(() => undefined);
    await runner.release().catch(() => undefined);
    thread.port.close();
  }
}

void serve();
