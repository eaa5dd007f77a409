import type { WireError } from './errors';
import type { TensorDescriptor } from './tensor';

/**
 * Tensors that travel beside a message instead of inside it: written back to back into a file on
 * a shared-memory folder that sender and receiver both see (same machine, same /dev/shm).
 */
export interface TensorFileRef {
  readonly path: string;
  readonly tensors: readonly (TensorDescriptor & { readonly byteLength: number })[];
}

// ---- Hot path (binary frames; see frame.ts) -------------------------------------------------

/** Metadata of an inference request frame; its tensors are the request's inputs. */
export interface InferMeta {
  readonly model: string;
  /** Requested version; empty means "the highest ready version". */
  readonly version: string;
  /** Names of the outputs to compute; empty means all of the model's outputs. */
  readonly outputs: readonly string[];
  /** The client's request id, for error messages (`[request id: <id>]`). */
  readonly id?: string;
  /** Epoch milliseconds after which nobody waits for the answer any more. */
  readonly deadline: number;
  /** Set when the inputs are in a shared-memory file rather than in the frame. */
  readonly inputsAt?: TensorFileRef;
  /** The request's `priority` parameter (schedule_policy extension); absent or 0: the model's default level. */
  readonly priority?: number;
  /** The request's `timeout` parameter in microseconds (schedule_policy extension); absent or 0: the policy's. */
  readonly timeoutMicros?: number;
}

/** Metadata of a result frame (executor or scheduler → gateway); its tensors are the outputs. */
export interface ResultMeta {
  readonly modelName: string;
  readonly modelVersion: string;
  /** Present when the request failed; there are no tensors then. */
  readonly error?: WireError;
  /** Where and when it ran, for statistics and tests; absent on errors raised before execution. */
  readonly execution?: ExecutionStamp;
  /** Set when the outputs are in a shared-memory file (the request's inputs were) rather than in the frame. */
  readonly outputsAt?: TensorFileRef;
}

export interface ExecutionStamp {
  readonly executorId: string;
  readonly device: DeviceName;
  readonly instance: string;
  readonly slotId: string;
  readonly queueMicros: number;
  /** Epoch milliseconds (sub-millisecond precision) measured inside the slot's thread. */
  readonly computeStartMs: number;
  readonly computeEndMs: number;
  /** How the tensors travelled between gateway and executor. */
  readonly tensorsVia: 'frame' | 'shared-memory';
  /**
   * Present when the request ran in one execution with others (dynamic batching): how many
   * requests, and the execution's batch size (the sum of their rows). Absent for a lone run.
   */
  readonly batch?: { readonly requests: number; readonly size: number };
}

// ---- Executors and slots ----------------------------------------------------------------------

/** `cpu`, or `gpu:<n>` for the executor that owns GPU n (possibly a stand-in running on the CPU). */
export type DeviceName = 'cpu' | `gpu:${number}`;

/**
 * `draining`: the slot's executor is stopping; the slot finishes the payloads it already holds and
 * takes no new ones, then goes.
 */
export type SlotState = 'loading' | 'ready' | 'draining' | 'failed';

/**
 * What a slot's instance group asks of the rate limiter (`rate_limiter { resources, priority }`):
 * the resources it holds while executing (per device, or `global`) and its priority (0 already
 * read as 1). No resources and priority 1 for a group without one. Ignored with `--rate-limit=off`.
 */
export interface SlotRateLimiter {
  readonly resources: readonly { readonly name: string; readonly global: boolean; readonly count: number }[];
  readonly priority: number;
}

/** One instance slot as its executor announces it. */
export interface SlotAnnouncement {
  /** Unique across the fleet: `<executorId>/<model>/<version>/<instance name>`. */
  readonly slotId: string;
  /** Where the scheduler sends this slot's payloads: `SUBJECTS.slotExecute(executorId, lane)`. */
  readonly subject: string;
  readonly model: string;
  readonly version: number;
  readonly group: string;
  /** Triton's instance name, `<group>_<n>`. */
  readonly instance: string;
  readonly passive: boolean;
  readonly rateLimiter: SlotRateLimiter;
  /**
   * What the slot can stand for (model-config's `slotSignature`: version, file and every setting
   * but the group's name, count and GPUs), fixed when it was created: a reload compares it with
   * what the new config asks, so a slot of the old config is not taken for a loaded new one.
   */
  readonly signature?: string;
  readonly state: SlotState;
  readonly error?: string;
  /**
   * How often the slot's thread lost its link to NATS and got it back (absent: never). In each gap
   * payloads sent to it, and its replies and releases, may have been lost — with a NATS cluster the
   * rest of the fleet need not notice the gap (a node died, the slot reconnected to another) — so a
   * fleet view takes a slot whose count moved for a new slot: the scheduler fails what the old one
   * held and starts its bookkeeping over.
   */
  readonly relinks?: number;
  /** Cumulative statistics of the requests this slot handled (Triton's statistics extension). */
  readonly stats: SlotStatistics;
}

/** A duration statistic as Triton reports it: how many, and their total in nanoseconds. */
export interface DurationStat {
  readonly count: number;
  readonly ns: number;
}

/**
 * Cumulative per-slot counters, summed per model version for `GET /v2/models/<m>/stats`. Counted
 * as Triton counts them: `success`, `fail`, `queue` and the three compute durations once per
 * request (every request of a batch is charged its execution's compute durations); inferences
 * and executions, and `batches`, once per execution.
 */
export interface SlotStatistics {
  readonly success: DurationStat;
  readonly fail: DurationStat;
  readonly queue: DurationStat;
  /** Reading, checking and joining the inputs, from the payload's arrival to the model's run. */
  readonly computeInput: DurationStat;
  /** The model's run. */
  readonly computeInfer: DurationStat;
  /** Cutting the outputs per request and encoding the replies. */
  readonly computeOutput: DurationStat;
  /** Inferences: a batch of n counts n. */
  readonly inferenceCount: number;
  /** Executions: a batch counts 1. */
  readonly executionCount: number;
  /** Epoch ms of the last finished request, 0 when none. */
  readonly lastInference: number;
  /** Per executed batch size (the sum of its requests' rows): executions and their compute durations. */
  readonly batches: Readonly<Record<string, BatchStatistics>>;
  /** `fail.count` by Triton's failure reason (`nv_inference_request_failure{reason}`); the four add up to it. */
  readonly failures: FailureCounts;
}

/**
 * Triton's reasons for a failed request (core's infer_stats.h `FailureReason`): REJECTED (a queue
 * timeout, a full queue, a deadline that passed before the run), CANCELED, BACKEND (the model's
 * run failed), OTHER (anything else: invalid inputs, a reply too large, an instance that died).
 */
export const FAILURE_REASONS = ['REJECTED', 'CANCELED', 'BACKEND', 'OTHER'] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];
export type FailureCounts = Readonly<Record<FailureReason, number>>;

/** The statistics of one model version (summed over slots, executors, or both). */
export interface VersionStatistics {
  readonly name: string;
  readonly version: number;
  readonly stats: SlotStatistics;
}

/** The executions at one batch size: how many, and their summed compute durations in nanoseconds. */
export interface BatchStatistics {
  readonly count: number;
  readonly computeInputNs: number;
  readonly computeInferNs: number;
  readonly computeOutputNs: number;
}

/**
 * An executor's full state, sent on every slot change and when a listener asks (FleetResync).
 * Between changes the executor sends only an ExecutorBeat.
 */
export interface ExecutorAnnouncement {
  readonly executorId: string;
  /**
   * Opaque, new for every change of this executor's slots (and for every process): a beat at
   * another revision tells a listener that it missed an announcement.
   */
  readonly revision: string;
  readonly device: DeviceName;
  readonly backend: string;
  readonly executionProvider: string;
  /** True when this executor stands in for a GPU while running on the CPU provider. */
  readonly simulated: boolean;
  readonly pid: number;
  /** The host it runs on: `--host-name`, else the machine's host name. */
  readonly host: string;
  /** How often the executor announces itself; silence for several periods means it is gone. */
  readonly heartbeatMs: number;
  /** Id of the shared-memory folder it sees (see tensor-files); absent when it has none. */
  readonly sharedMemoryId?: string;
  readonly slots: readonly SlotAnnouncement[];
  /**
   * The final statistics of the slots this executor has closed, folded per model version (so the
   * list is bounded by the versions it served, however often slots come and go). Absent: none.
   */
  readonly retired?: readonly VersionStatistics[];
}

/**
 * The liveness beat an executor sends every `heartbeatMs`: a few dozen bytes when idle. Statistics
 * ride along only for the slots whose figures changed since the last beat or announcement.
 */
export interface ExecutorBeat {
  readonly executorId: string;
  /** The revision of the executor's last announcement. */
  readonly revision: string;
  readonly heartbeatMs: number;
  /** By slot id: the slots' cumulative statistics, for slots whose statistics changed. */
  readonly stats?: Readonly<Record<string, SlotStatistics>>;
  /** Every retired-slot total (ExecutorAnnouncement.retired), when they changed since last sent. */
  readonly retired?: readonly VersionStatistics[];
  /** Set on the beat that answers a StatisticsFlush: its token. */
  readonly flush?: string;
}

/**
 * Asks every executor to beat at once with its statistics read now (a flush barrier): whoever
 * reads statistics waits for the answering beats, so that every response already sent is counted.
 */
export interface StatisticsFlush {
  readonly token: string;
}

export interface ExecutorLeaving {
  readonly executorId: string;
}

/** A scheduler's heartbeat (and its goodbye, on `schedulerLeaving`). */
export interface SchedulerBeat {
  readonly schedulerId: string;
  readonly heartbeatMs: number;
}

/** Asks executors to announce themselves again: one (by id) or, without an id, all. */
export interface FleetResync {
  readonly executorId?: string;
}

export interface SlotReleased {
  readonly slotId: string;
  readonly executorId: string;
  /** How many payloads the slot finished since its last release, oldest first (absent: 1). */
  readonly count?: number;
  /**
   * Instead of a finished payload: the parking token of a payload parked at the slot that it gave
   * up unrun, because its deadline came before its grant (it answered the requester with the
   * timeout). The slot's stage for it ends, or, if a grant crossed this, its resources return.
   */
  readonly unparked?: string;
  /**
   * The execution's resources went straight to this slot's parked payload, which runs already
   * (the successor the rate limiter named in `SlotGo.next` or `SlotSuccessor`): the rate limiter
   * counts them held by that slot from here, and tells its scheduler as for a grant.
   */
  readonly handedTo?: SlotHandOver;
  /**
   * The parking token of the payload whose execution this release ends (a parked one). Its grant
   * may have been a hand-over whose news is still on its way: a release from another thread can
   * reach the rate limiter after this one, which then knows this execution is over already.
   */
  readonly token?: string;
}

// ---- Rate limiting (with --rate-limit=execution_count; small JSON on the raw client) ------------

export interface StageSlots {
  /** Where grants go: `SUBJECTS.rateLimiterGrant(schedulerId)`. */
  readonly schedulerId: string;
  readonly slots: readonly string[];
  /** Slots staged for a payload already parked at them: their grant goes to the slot too. */
  readonly parked?: readonly ParkedStage[];
}

/** A slot staged for the payload parked at it (the scheduler's `Park`). */
export interface ParkedStage {
  readonly slotId: string;
  /** The parking token: the slot runs the payload it names when a grant with it arrives. */
  readonly token: string;
  /** Where the slot hears its grant: `SUBJECTS.slotGo(subject)`. */
  readonly go: string;
}

/** A payload parked at a slot, named for a hand-over: that slot runs the payload parked with `token`. */
export interface SlotHandOver {
  readonly slotId: string;
  readonly token: string;
}

/** rate limiter → slot, on `SUBJECTS.slotGo`: run the payload parked with this token (its resources are allocated). */
export interface SlotGo {
  readonly token: string;
  /**
   * When that execution ends, hand its resources to this slot of the same executor, in process,
   * instead of waiting for the rate limiter to grant them again: the grant it would make then
   * (`RateLimiter.successorOf`). Absent or null: no successor is known yet.
   */
  readonly next?: SlotHandOver | null;
}

/**
 * rate limiter → slot, on `SUBJECTS.slotGo`: the successor of the execution of the payload parked
 * with `after` — told while that payload still waits (to be started by another slot's hand-over),
 * or changed while it executes (the staged order moved); `null`: there is none now. One that
 * arrives after that execution ended changes nothing (tokens are never reused).
 */
export interface SlotSuccessor {
  readonly after: string;
  readonly next: SlotHandOver | null;
}

export interface UnstageSlots {
  readonly slots: readonly string[];
}

export interface GiveBackGrant {
  readonly slotId: string;
  /**
   * The parking token of a parked payload the scheduler gave up on (no release long past its
   * deadline): the slot's stage for it ends, or the grant it got goes back.
   */
  readonly token?: string;
}

export interface Grants {
  /** Run one waiting payload on each of these slots now. */
  readonly slots: readonly string[];
  /** These slots run the payload parked there with this token: the slot heard the grant too. */
  readonly parked?: readonly { readonly slotId: string; readonly token: string }[];
}

/** What a scheduler holds, for a restarted rate limiter to adopt before it grants anything. */
export interface RateLimiterHoldings {
  readonly schedulerId: string;
  /** Slots executing a payload on a grant: they hold their resources until they release. */
  readonly executing: readonly string[];
  /** Slots with work, waiting for a grant. */
  readonly staged: readonly string[];
  /** Slots with a payload parked at them, waiting for a grant. */
  readonly parked?: readonly ParkedStage[];
}

// ---- Model repository ---------------------------------------------------------------------------

export type ModelState = 'READY' | 'UNAVAILABLE' | 'LOADING' | 'UNLOADING';

export interface ModelVersionRecord {
  readonly version: number;
  readonly state: ModelState;
  readonly reason: string;
  /** Absolute path of the file the backend loads, on the model repository's host. */
  readonly path: string;
  /**
   * Every file of the version folder by content, for executors that fetch it from the model store
   * instead of reading `path` (docs/deployment.md, "Model store"). Absent on versions that are
   * unavailable, and when the repository could not read the folder's files.
   */
  readonly manifest?: VersionManifest;
}

/** One file of a model version, by content. */
export interface ManifestFile {
  /** Relative to the version folder, `/`-separated: `model.onnx`, `weights/part-1.bin`. */
  readonly path: string;
  /** `sha256:<64 hex digits>`: the content's digest, and the file's object name in the model store. */
  readonly digest: string;
  readonly size: number;
}

/**
 * What a model version is made of: every regular file under its version folder (the backend
 * reads the model file, and ONNX external data or a model.js' own files beside it), each with
 * its digest. Equal manifests mean equal folders, wherever they are.
 */
export interface VersionManifest {
  /** `sha256:<hex>` of the file list (paths, digests, sizes), so one compare tells a changed folder. */
  readonly digest: string;
  /** The version folder on the model repository's host (`files` executors read there). */
  readonly dir: string;
  /** The file the backend loads, relative to the folder (the config's `default_model_filename`). */
  readonly model: string;
  /** Sorted by path. */
  readonly files: readonly ManifestFile[];
}

/** A model as the repository holds it: normalised config (Triton's JSON form) plus its versions. */
export interface ModelRecord {
  readonly name: string;
  /** Triton's JSON form of the normalised config; absent when the config could not be read. */
  readonly config?: Record<string, unknown>;
  readonly versions: readonly ModelVersionRecord[];
  /** Why the model as a whole is unavailable (bad config), empty when it loaded. */
  readonly reason: string;
  /**
   * Settings the config writes that Flotilla accepts without acting on, one sentence each naming
   * the field (logged at load, and sent with `GET /v2/models/<m>/config`); absent when none.
   */
  readonly warnings?: readonly string[];
}

export interface RepositorySnapshot {
  readonly repository: string;
  /** Triton's model control mode: `none`, `poll` or `explicit`. */
  readonly mode?: 'none' | 'poll' | 'explicit';
  /** Every model the repository has loaded, tried to load, or unloaded, in its current state. */
  readonly models: readonly ModelRecord[];
  /** Model folders of the repository never asked for (control mode explicit): listed by the index, served by no one. */
  readonly notLoaded?: readonly string[];
}

/**
 * `loaded`: the model's record is now this one, whatever changed (loading, loaded, reloaded,
 * failed, unloading, unloaded: its versions' states say which). `unloaded`: forget the model.
 */
export interface ModelLifecycleEvent {
  readonly kind: 'loaded' | 'unloaded';
  readonly model: ModelRecord;
}

/** A file of a load request's `file:<version>/<path>` parameters, already checked, its contents in base64. */
export interface LoadFileOverride {
  readonly version: number;
  readonly path: string;
  readonly base64: string;
}

/** gateway → model repository: load (or reload) one model, optionally from a config and files of the request. */
export interface RepositoryLoadRequest {
  readonly model: string;
  /** Triton's JSON form of a config replacing the folder's config.pbtxt. */
  readonly config?: Record<string, unknown>;
  readonly files?: readonly LoadFileOverride[];
}

export interface RepositoryUnloadRequest {
  readonly model: string;
}

// ---- Scheduler and rate limiter introspection --------------------------------------------------

export interface SchedulerStatus {
  readonly models: readonly {
    readonly name: string;
    readonly version: number;
    /** True once some slot can execute and no announced slot is still loading. */
    readonly ready: boolean;
    readonly queued: number;
    /** Slots announced but still loading their model. */
    readonly loading: number;
    readonly slots: readonly {
      readonly slotId: string;
      readonly instance: string;
      readonly device: DeviceName;
      readonly executorId: string;
      /** The host its executor runs on (its announcement's `host`). */
      readonly host: string;
      readonly busy: boolean;
      readonly simulated: boolean;
      /** Present while the slot's executor is stopping: it finishes what it holds and takes nothing new. */
      readonly draining?: true;
    }[];
  }[];
}

export interface StatisticsSnapshot {
  /** Everything this scheduler counted: the fleet's figures (live and departed executors) and its own refusals. */
  readonly models: readonly VersionStatistics[];
  /**
   * The part of `models` this scheduler refused itself (a full queue, a queue timeout, no
   * instance): with several schedulers, the one piece the others do not know (mergeStatistics).
   */
  readonly refusals?: readonly VersionStatistics[];
  /** When this scheduler started (epoch ms): the oldest has folded in the most departed executors. */
  readonly startedAt?: number;
  /**
   * Executors that did not answer the flush in time: their figures are as of their last beat, not
   * exact (absent when every executor answered).
   */
  readonly stale?: readonly string[];
}

export interface RegistrySnapshot {
  readonly rateLimit: 'off' | 'execution_count';
  readonly executors: readonly ExecutorAnnouncement[];
  readonly executions: Readonly<Record<string, number>>;
}

/**
 * The rate limiter as `GET /v2/flotilla/rate-limiter` shows it. With `--rate-limit=off` every list
 * is empty: resources and priorities are ignored then.
 */
export interface RateLimiterStatus {
  readonly rateLimit: 'off' | 'execution_count';
  /** Every pool: `global` or a device index (`cpu` instances count on device 0), a resource name, its size and what is held. */
  readonly pools: readonly { readonly pool: 'global' | number; readonly name: string; readonly total: number; readonly allocated: number }[];
  /** Instances waiting for their resources, in the order they will be tried, with how long each has waited. */
  readonly staged: readonly { readonly id: string; readonly waitingMs: number; readonly overtakes: number }[];
  /**
   * Every registered instance slot: its execution count, priority and state, and how many of its
   * executions started on resources the slot before it handed over in process (no grant message).
   */
  readonly instances: readonly {
    readonly id: string;
    readonly model: string;
    readonly version: number;
    readonly device: DeviceName;
    readonly pools: readonly ('global' | number)[];
    readonly priority: number;
    readonly executions: number;
    readonly handOvers: number;
    readonly state: 'idle' | 'staged' | 'allocated';
  }[];
}

/** Reply envelope for JSON request/reply control messages. */
export type ControlReply<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: WireError };

/** A service instance's answer to `SUBJECTS.health(service)`: it is alive (it answered) and whether it is ready. */
export interface ServiceHealth {
  readonly service: string;
  /** Which instance: an executor's id, else `<host>:<pid>`. */
  readonly instance: string;
  readonly pid: number;
  readonly uptimeSeconds: number;
  readonly live: true;
  readonly ready: boolean;
  /** Why it is not ready; empty when it is. */
  readonly reasons: readonly string[];
}

/**
 * One accepted change of Triton's trace settings (already checked by the gateway that took it),
 * for the other gateways to apply: a value sets, `null` clears (a model's override: back to global).
 */
export interface TraceSettingsChanged {
  /** The gateway that took the change, which has applied it already. */
  readonly gatewayId: string;
  /** Absent for the global settings. */
  readonly model?: string;
  readonly update: { readonly level?: 'OFF' | 'TIMESTAMPS' | null; readonly rate?: number | null; readonly count?: number | null };
}
