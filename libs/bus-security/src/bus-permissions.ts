import { SUBJECTS } from '@flotilla/contracts';

/**
 * Who may say what on the bus. Each service connects as its own identity, and nats-server lets
 * an identity publish and subscribe only on the subjects listed here, so a process holding one
 * service's credentials cannot act as another: the gateway cannot announce an executor, an
 * executor cannot send inferences, nothing but a scheduler can hand payloads to slots.
 *
 * The lists are what each app really sends and hears (its controllers' patterns, its raw-bus
 * subscriptions and publishes, its requests), built from `SUBJECTS` so a renamed subject moves
 * here too. Every test in the end-to-end suite runs under them (the local cluster's default), and
 * nats-server logs any refusal, as does the refused service (`PermissionViolationError`).
 */
export const BUS_IDENTITIES = ['gateway', 'model-repository', 'scheduler', 'rate-limiter', 'executor', 'probe', 'admin'] as const;
export type BusIdentity = (typeof BUS_IDENTITIES)[number];

/** The five services; `probe` (tools/health-probe) and `admin` (an operator's or a test's own client) are not services. */
export const SERVICE_IDENTITIES = ['gateway', 'model-repository', 'scheduler', 'rate-limiter', 'executor'] as const satisfies readonly BusIdentity[];

export interface SubjectPermissions {
  /** Subjects (NATS wildcards allowed) the identity may publish to. */
  readonly publish: readonly string[];
  /** Subjects it may subscribe to. */
  readonly subscribe: readonly string[];
}

/**
 * Replies. Every request's answer goes to the asker's inbox, and each service asks under its own
 * prefix, `_INBOX.<identity>.…` (service-kit's busOptionsFromFlags: the raw client's inbox, Nest's
 * ClientProxy's and `requestMany`'s alike), so an identity may read only answers meant for it.
 * Answering is open: an executor answers on the gateway's inbox carried in a frame the scheduler
 * forwarded (or inside a batch frame), not on the reply subject of a message it was sent, so
 * nats-server's `allow_responses` could not express it.
 */
const INBOXES = '_INBOX.>';
const inboxOf = (identity: string) => `_INBOX.${identity}.>`;

/** `flotilla.executor.<executorId>.slot.<lane>`, any executor, any lane. */
const SLOT_SUBJECTS = SUBJECTS.slotExecute('*', 0).replace(/\.0$/, '.*');

/** A slot's grant subject, `<slot subject>.go` (parking: the rate limiter's grant straight to the slot). */
const SLOT_GO_SUBJECTS = SUBJECTS.slotGo(SLOT_SUBJECTS);

/**
 * The model store (a JetStream object store, any bucket): the repository creates it, puts and
 * deletes objects; an executor only reads them (it cannot change what other executors fetch).
 */
const MODEL_STORE_WRITER: SubjectPermissions = { publish: ['$JS.API.>', '$O.>'], subscribe: [] };
const MODEL_STORE_READER: SubjectPermissions = {
  publish: ['$JS.API.INFO', '$JS.API.STREAM.INFO.*', '$JS.API.STREAM.MSG.GET.*', '$JS.API.CONSUMER.CREATE.*.>', '$JS.API.CONSUMER.MSG.NEXT.*.>', '$JS.API.CONSUMER.DELETE.*.>', '$JS.FC.>'],
  subscribe: [],
};

/** What every service does: ask (and hear answers), answer, and answer its own health probe. */
function service(name: string, own: SubjectPermissions): SubjectPermissions {
  return {
    publish: [INBOXES, ...own.publish],
    subscribe: [inboxOf(name), SUBJECTS.health(name), ...own.subscribe],
  };
}

/** A fleet view (service-kit's FleetView + FleetController): hears announcements and departures, asks executors to announce. */
const FLEET_VIEW: SubjectPermissions = { publish: [SUBJECTS.fleetResync], subscribe: [SUBJECTS.executorAnnounce, SUBJECTS.executorLeaving] };
/** A copy of the repository's records (ModelRecords + RepositoryEventsController). */
const MODEL_RECORDS: SubjectPermissions = { publish: [SUBJECTS.repositoryIndex], subscribe: [SUBJECTS.repositoryEvents] };

function merge(...parts: SubjectPermissions[]): SubjectPermissions {
  return { publish: [...new Set(parts.flatMap((p) => p.publish))], subscribe: [...new Set(parts.flatMap((p) => p.subscribe))] };
}

export const BUS_PERMISSIONS: Readonly<Record<BusIdentity, SubjectPermissions>> = {
  gateway: service(
    'gateway',
    merge(FLEET_VIEW, MODEL_RECORDS, {
      publish: [
        SUBJECTS.infer,
        // Each request to its model's owner (several schedulers).
        SUBJECTS.inferAt('*'),
        SUBJECTS.repositoryLoad,
        SUBJECTS.repositoryUnload,
        SUBJECTS.schedulerStatus,
        SUBJECTS.schedulerStatistics,
        SUBJECTS.rateLimiterStatus,
        SUBJECTS.traceSettings,
        // GET /v2/flotilla/health gathers every service's answer.
        SUBJECTS.health('*'),
      ],
      subscribe: [SUBJECTS.schedulerHeartbeat, SUBJECTS.schedulerLeaving, SUBJECTS.traceSettings],
    }),
  ),
  'model-repository': service(
    'model-repository',
    merge(FLEET_VIEW, MODEL_STORE_WRITER, {
      // SchedulerIdle asks the scheduler whether an unloading model is idle.
      publish: [SUBJECTS.repositoryEvents, SUBJECTS.schedulerStatus],
      subscribe: [SUBJECTS.repositoryIndex, SUBJECTS.repositoryLoad, SUBJECTS.repositoryUnload],
    }),
  ),
  scheduler: service(
    'scheduler',
    merge(FLEET_VIEW, MODEL_RECORDS, {
      publish: [
        SLOT_SUBJECTS,
        SUBJECTS.rateLimiterStage,
        SUBJECTS.rateLimiterUnstage,
        SUBJECTS.rateLimiterGiveBack,
        SUBJECTS.rateLimiterHoldings,
        SUBJECTS.schedulerHeartbeat,
        SUBJECTS.schedulerLeaving,
        SUBJECTS.statisticsFlush,
        // A stopping scheduler hands its queue to another over the shared subject.
        SUBJECTS.infer,
      ],
      subscribe: [
        SUBJECTS.infer,
        // Its own request subject, and the releases of what it dispatched (its id is made at start).
        SUBJECTS.inferAt('*'),
        SUBJECTS.releasedTo(SUBJECTS.slotReleased, '*'),
        SUBJECTS.releasedTo(SUBJECTS.slotReleasedGated, '*'),
        SUBJECTS.slotReleased,
        SUBJECTS.slotReleasedGated,
        SUBJECTS.rateLimiterGrant('*'),
        // Its stages' reply subject: only NATS' no-responders status ever arrives there.
        SUBJECTS.rateLimiterUnreachable('*'),
        SUBJECTS.rateLimiterStarted,
        SUBJECTS.executorHeartbeat,
        SUBJECTS.schedulerStatus,
        SUBJECTS.schedulerStatistics,
      ],
    }),
  ),
  'rate-limiter': service(
    'rate-limiter',
    merge(FLEET_VIEW, {
      publish: [SUBJECTS.rateLimiterGrant('*'), SUBJECTS.rateLimiterStarted, SLOT_GO_SUBJECTS],
      subscribe: [
        SUBJECTS.rateLimiterStage,
        SUBJECTS.rateLimiterUnstage,
        SUBJECTS.rateLimiterGiveBack,
        SUBJECTS.slotReleasedGated,
        SUBJECTS.slotReleasedGatedAny,
        // Its grants' reply subject: only NATS' no-responders status ever arrives there.
        SUBJECTS.rateLimiterUndelivered('*'),
        SUBJECTS.rateLimiterHoldings,
        SUBJECTS.registrySnapshot,
        SUBJECTS.rateLimiterStatus,
        SUBJECTS.executorHeartbeat,
      ],
    }),
  ),
  executor: service(
    'executor',
    merge(MODEL_RECORDS, MODEL_STORE_READER, {
      publish: [
        SUBJECTS.executorAnnounce,
        SUBJECTS.executorHeartbeat,
        SUBJECTS.executorLeaving,
        SUBJECTS.slotReleased,
        SUBJECTS.slotReleasedGated,
        SUBJECTS.releasedTo(SUBJECTS.slotReleased, '*'),
        SUBJECTS.releasedTo(SUBJECTS.slotReleasedGated, '*'),
      ],
      subscribe: [SLOT_SUBJECTS, SLOT_GO_SUBJECTS, SUBJECTS.fleetResync, SUBJECTS.statisticsFlush],
    }),
  ),
  /** tools/health-probe: asks one service's health, hears the answers. */
  probe: { publish: [SUBJECTS.health('*')], subscribe: [inboxOf('probe')] },
  /** Everything: for an operator's own client (the `nats` CLI) and the tests that watch the bus. Never given to a service. */
  admin: { publish: ['>'], subscribe: ['>'] },
};

/**
 * Permissions a feature adds to identities, merged over `BUS_PERMISSIONS` where a deployment's
 * server config is rendered. JetStream, for one, is reached through `$JS.API.>` requests (and its
 * object store's chunks through `$O.<bucket>.>`), which the identities that use it need.
 */
export type ExtraPermissions = Partial<Record<BusIdentity, Partial<SubjectPermissions>>>;

/** JetStream's API, for an identity that creates or reads streams, object stores or KV buckets. */
export const JETSTREAM_API: SubjectPermissions = { publish: ['$JS.API.>'], subscribe: [] };

export function permissionsWith(extra: ExtraPermissions = {}): Record<BusIdentity, SubjectPermissions> {
  const table = {} as Record<BusIdentity, SubjectPermissions>;
  for (const identity of BUS_IDENTITIES) {
    const more = extra[identity];
    table[identity] = more ? merge(BUS_PERMISSIONS[identity], { publish: more.publish ?? [], subscribe: more.subscribe ?? [] }) : BUS_PERMISSIONS[identity];
  }
  return table;
}

/** Whether NATS subject `pattern` (with `*` and `>` wildcards) covers `subject`. */
export function subjectMatches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return s.length > i;
    if (i >= s.length) return false;
    if (p[i] !== '*' && p[i] !== s[i]) return false;
  }
  return p.length === s.length;
}

/** Whether `permissions` let an identity do `operation` on `subject` (as nats-server would judge a literal subject). */
export function permits(permissions: SubjectPermissions, operation: 'publish' | 'subscribe', subject: string): boolean {
  return permissions[operation].some((pattern) => subjectMatches(pattern, subject));
}
