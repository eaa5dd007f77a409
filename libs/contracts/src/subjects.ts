/**
 * Every NATS subject Flotilla uses, in one place. The hot path is three one-way binary messages:
 * gateway → `infer` → scheduler → `slotExecute(executor, lane)` → the slot's thread → (the gateway's
 * reply inbox), plus the slot's `slotReleased`; those go over the raw NATS client (MessageBus).
 * Everything else is control traffic: JSON, off the per-request path, handled by Nest
 * `@MessagePattern` / `@EventPattern` controllers and sent through a `ClientProxy`.
 */
export const SUBJECTS = {
  /**
   * gateway → any scheduler (queue group). Frame<InferMeta>; the NATS reply subject is the
   * gateway's inbox. Only while a gateway knows no scheduler alive yet: otherwise it sends each
   * request to its model's owner (`inferAt`).
   */
  infer: 'flotilla.infer',
  /**
   * gateway → the scheduler that owns the request's model (rendezvous hashing over the schedulers
   * alive, libs/fleet `ownerOf`). Frame<InferMeta>, as `infer`. Addressed rather than forwarded:
   * a request takes no extra hop whatever scheduler it belongs to.
   */
  inferAt: (schedulerId: string) => `flotilla.infer.${schedulerId}`,
  /**
   * scheduler → one instance slot. The gateway's frame, forwarded unchanged. Each slot's worker
   * thread subscribes to its own subject (announced as `SlotAnnouncement.subject`), so a payload
   * goes from the socket to the thread that runs it without passing the executor's main thread.
   * `lane` is a number the executor gives each slot: slot ids hold model names, which may contain
   * characters a subject cannot.
   */
  slotExecute: (executorId: string, lane: number) => `flotilla.executor.${executorId}.slot.${lane}`,
  /**
   * Rate limiting on, rate limiter → one slot whose group needs resources: run the payload parked
   * here with this token now (JSON SlotGo). The grant reaches the slot without passing the
   * scheduler, which hears it on `rateLimiterGrant` at the same time. Hot path.
   */
  slotGo: (slotSubject: string) => `${slotSubject}.go`,
  /**
   * executor → scheduler: a slot whose group needs no rate-limiter resources finished its payload
   * (JSON SlotReleased). The rate limiter does not hear it: such a slot never waits for a grant,
   * and its execution count reaches the rate limiter in beats, so no release wakes it.
   */
  slotReleased: 'flotilla.slot.released',
  /**
   * executor → scheduler and (rate limiting on) rate limiter: a slot whose group needs resources
   * finished its payload. One publish both hear: the slot is free and its resources return.
   */
  slotReleasedGated: 'flotilla.slot.released.gated',
  /**
   * Where a slot releases a payload: `slotReleased` or `slotReleasedGated` followed by the id of
   * the scheduler that dispatched it (the payload's `Flotilla-Scheduler` header), so that only
   * that scheduler counts it free — with several schedulers, each hears its own releases alone.
   * A payload without the header (sent by hand, in tests) releases on the base subject.
   */
  releasedTo: (base: string, schedulerId: string | undefined) => (schedulerId ? `${base}.${schedulerId}` : base),
  /** The rate limiter hears every scheduler's gated releases: `slotReleasedGated` and this. */
  slotReleasedGatedAny: 'flotilla.slot.released.gated.*',
  /** Rate limiting on, scheduler → rate limiter: these idle slots have work (JSON StageSlots). Hot path. */
  rateLimiterStage: 'flotilla.rate-limiter.stage',
  /** Rate limiting on, scheduler → rate limiter: these staged slots no longer have work (JSON UnstageSlots). Hot path. */
  rateLimiterUnstage: 'flotilla.rate-limiter.unstage',
  /** Rate limiting on, scheduler → rate limiter: a grant came back unused (JSON GiveBackGrant). Hot path. */
  rateLimiterGiveBack: 'flotilla.rate-limiter.give-back',
  /** Rate limiting on, rate limiter → the scheduler that staged them: run one payload on each of these slots now (JSON Grants). Hot path. */
  rateLimiterGrant: (schedulerId: string) => `flotilla.rate-limiter.grant.${schedulerId}`,
  /**
   * The reply subject a scheduler's stages carry. The rate limiter never answers there; NATS does,
   * with an empty no-responders status, when nothing listens for stages: the rate limiter is away.
   */
  rateLimiterUnreachable: (schedulerId: string) => `flotilla.rate-limiter.unreachable.${schedulerId}`,
  /**
   * The reply subject a grant message carries (`seq` numbers it). The scheduler never answers
   * there; NATS does, with an empty no-responders status, when nothing listens for that
   * scheduler's grants: it is gone, and the grants go back.
   */
  rateLimiterUndelivered: (seq: number | '*') => `flotilla.rate-limiter.undelivered.${seq}`,
  /** event, executor → everyone: its full state (ExecutorAnnouncement), on every slot change and when asked (`fleetResync`). */
  executorAnnounce: 'flotilla.executor.announce',
  /** event, executor → everyone, every `heartbeatMs`: alive, at which revision, and statistics that changed (ExecutorBeat). */
  executorHeartbeat: 'flotilla.executor.heartbeat',
  /** event, executor → everyone, once, when it shuts down cleanly (ExecutorLeaving). */
  executorLeaving: 'flotilla.executor.leaving',
  /** event, scheduler → executors: beat now with statistics read now (StatisticsFlush); a statistics read waits for the beats. */
  statisticsFlush: 'flotilla.executor.statistics-flush',
  /** event, anyone → executors: announce yourself again (FleetResync); sent on a beat from an executor not known at that revision. */
  fleetResync: 'flotilla.executor.resync',
  /** request → RepositorySnapshot: every model the repository knows, loaded or not (answered once its first load is done). */
  repositoryIndex: 'flotilla.repository.index',
  /** request → void: load or reload one model (RepositoryLoadRequest); answered once it serves or failed (control mode explicit). */
  repositoryLoad: 'flotilla.repository.load',
  /** request → void: unload one model (RepositoryUnloadRequest); answered once its queued requests are done (control mode explicit). */
  repositoryUnload: 'flotilla.repository.unload',
  /** event, model-repository → everyone: a model's record changed — loading, loaded, reloaded, failed, unloading or unloaded (ModelLifecycleEvent). */
  repositoryEvents: 'flotilla.repository.events',
  /**
   * event, scheduler → gateways, every second (SchedulerBeat): alive. A gateway whose last
   * scheduler falls silent answers what it sent with a 503 instead of waiting for the deadline.
   */
  schedulerHeartbeat: 'flotilla.scheduler.heartbeat',
  /** event, scheduler → gateways, once, when it stops cleanly (SchedulerBeat): it answered its queue first. */
  schedulerLeaving: 'flotilla.scheduler.leaving',
  /**
   * request → SchedulerStatus: per model version, whether it can execute and on how many slots.
   * Every scheduler answers (no queue group); callers gather all answers (`requestAll`) and merge
   * them (`mergeSchedulerStatus`): each scheduler knows its own queues and dispatches only.
   */
  schedulerStatus: 'flotilla.scheduler.status',
  /**
   * request → StatisticsSnapshot: per model version, the summed statistics of its slots. Every
   * scheduler answers; callers gather and merge (`mergeStatistics`): the fleet's figures once,
   * each scheduler's own refusals added.
   */
  schedulerStatistics: 'flotilla.scheduler.statistics',
  /** request → RegistrySnapshot: the rate limiter's view of every instance slot. */
  registrySnapshot: 'flotilla.rate-limiter.registry',
  /** event, rate limiter → schedulers: I (re)started and hold nothing; tell me what you hold (RateLimiterHoldings). */
  rateLimiterStarted: 'flotilla.rate-limiter.started',
  /** event, scheduler → rate limiter: the slots it has executing on a grant and staged (RateLimiterHoldings). */
  rateLimiterHoldings: 'flotilla.rate-limiter.holdings',
  /** request → RateLimiterStatus: pools, waiting instances, execution counts and priorities (`GET /v2/flotilla/rate-limiter`). */
  rateLimiterStatus: 'flotilla.rate-limiter.status',
  /**
   * request → ServiceHealth: liveness and readiness of a service (`gateway`, `model-repository`,
   * `scheduler`, `rate-limiter`, `executor`). Every instance answers (no queue group): the first
   * answer says one is alive; gather them all to see each (docs/observability.md).
   */
  health: (service: string) => `flotilla.health.${service}`,
  /** event, gateway → gateways: trace settings changed through its API (TraceSettingsChanged); every other gateway applies them too. */
  traceSettings: 'flotilla.trace.settings',
} as const;

/** Queue groups: replicas of one service share a group so that each request reaches one of them. */
export const QUEUE_GROUPS = {
  scheduler: 'scheduler',
  modelRepository: 'model-repository',
  rateLimiter: 'rate-limiter',
} as const;

/** NATS headers Flotilla sets. `traceparent`/`tracestate` ride alongside them (W3C trace context). */
export const HEADERS = {
  /** scheduler → slot: microseconds the request waited in the scheduler's queue. */
  queueMicros: 'Flotilla-Queue-Us',
  /** scheduler → slot: the id of the scheduler that sent the payload, to whom the slot releases it (`releasedTo`). */
  scheduler: 'Flotilla-Scheduler',
  /** scheduler → slot: the message is a batch frame (batch-frame.ts) of this many requests, to run as one execution. */
  batch: 'Flotilla-Batch',
  /**
   * scheduler → slot that needs rate-limiter resources: the payload is parked — it runs only when a
   * grant with this token reaches the slot (`SUBJECTS.slotGo`).
   */
  park: 'Flotilla-Park',
  /** With `park`: epoch ms (the request's deadline) when the slot gives the parked payload up unrun if no grant came. */
  parkUntil: 'Flotilla-Park-Until',
  /** On a failed control reply: the error's code (ErrorCode), so callers map failures by code, never by text. */
  errorCode: 'Flotilla-Error-Code',
} as const;
