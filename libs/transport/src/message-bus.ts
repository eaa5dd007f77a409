import { connect, headers as natsHeaders, type MsgHdrs, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { accessRefusal, describeBusStatus, natsCredentialOptions, type BusCredentials } from './bus-credentials';
import { context, type Context } from '@opentelemetry/api';
import { injectTraceHeaders } from '@flotilla/telemetry';
import { BusLink } from './bus-link';
import { incoming, type IncomingMessage } from './incoming-message';
import { ReplyInbox } from './reply-inbox';

export interface BusOptions {
  /**
   * NATS server URL(s), e.g. `nats://127.0.0.1:4222`, or several comma-separated (`--nats-url`
   * of a cluster): tried in the order given, see `natsServerList`.
   */
  readonly servers: string | string[];
  /** Connection name, shown by `nats-server` monitoring: use the service name. */
  readonly name: string;
  /** Who the service is on the bus and how it checks the server (none: an open bus without TLS). */
  readonly credentials?: BusCredentials;
  /**
   * Where answers to this process' requests come (`<prefix>.<nuid>…`; default `_INBOX`). A
   * service's own, `_INBOX.<identity>`, lets the bus' permissions keep every other identity from
   * reading its answers (libs/bus-security).
   */
  readonly inboxPrefix?: string;
}

export interface PublishOptions {
  readonly headers?: Record<string, string>;
  readonly reply?: string;
  /** Trace context to propagate; defaults to the active one. */
  readonly trace?: Context;
}

export interface SubscribeOptions {
  /** Queue group: replicas in one group share the subject's messages. */
  readonly queue?: string;
}

/**
 * Reconnect timing, chosen so that a deployment serves again within about a second of nats-server
 * coming back (docs/resilience.md):
 * - the first connect waits for the server (services may start before it), and reconnects never
 *   give up: a service outlives any outage of the bus;
 * - attempts 250 ms apart plus up to 100 ms of jitter, so that a fleet's connections do not all
 *   arrive in the same instant;
 * - a ping every 2 s, two unanswered = stale: a link that died without a FIN (a host or network
 *   gone) is noticed in 4–6 s instead of the client's default 4 minutes. A server that exits
 *   closes its sockets, which every client notices at once.
 */
export const NATS_RECONNECT = { reconnectTimeWaitMs: 250, reconnectJitterMs: 100, pingIntervalMs: 2_000, maxPingOut: 2 } as const;

/**
 * The servers of a `--nats-url`: a comma-separated list (blanks around commas allowed) or a list
 * of such. The NATS client takes a string as one URL, so without this a list would be one bad URL.
 */
export function natsServerList(servers: string | readonly string[]): string[] {
  const list = (typeof servers === 'string' ? [servers] : servers).flatMap((entry) => entry.split(',')).map((url) => url.trim());
  if (list.length === 0 || list.some((url) => url === '')) throw new Error(`--nats-url has an empty entry: '${[servers].flat().join(',')}'`);
  return list;
}

/**
 * Opens a service's NATS connection with NATS_RECONNECT's timing and the service's credentials.
 * Until the server is first reached it keeps trying (services may start before it) — but a server
 * that answers and refuses the service stops that at once: the promise rejects with a
 * `BusAccessError` naming the problem (credentials refused, a certificate that does not verify,
 * TLS on one side only), so a service with the wrong keys exits instead of retrying forever.
 * (The client's own `waitOnFirstConnect` would retry those forever too.) Two refusals in a row
 * after a reconnect close the connection: `closed()` resolves with the error, and runService
 * stops the service, saying why. With several servers (one node per host in a cluster) the first
 * is tried first — a service's own host's node, so traffic stays on the host while it is up — and
 * the others, with the nodes the cluster gossips, are where it fails over to (`noRandomize`: the
 * client would otherwise shuffle them).
 */
export async function connectNats(options: BusOptions): Promise<NatsConnection> {
  for (;;) {
    try {
      return await connect(connectionOptions(options));
    } catch (error) {
      const refusal = accessRefusal(error, options);
      if (refusal) throw refusal;
      await new Promise((resolve) => setTimeout(resolve, NATS_RECONNECT.reconnectTimeWaitMs + Math.random() * NATS_RECONNECT.reconnectJitterMs));
    }
  }
}

function connectionOptions(options: BusOptions) {
  return {
    servers: natsServerList(options.servers),
    noRandomize: true,
    name: options.name,
    ...natsCredentialOptions(options.credentials),
    ...(options.inboxPrefix ? { inboxPrefix: options.inboxPrefix } : {}),
    maxReconnectAttempts: -1,
    reconnectTimeWait: NATS_RECONNECT.reconnectTimeWaitMs,
    reconnectJitter: NATS_RECONNECT.reconnectJitterMs,
    pingInterval: NATS_RECONNECT.pingIntervalMs,
    maxPingOut: NATS_RECONNECT.maxPingOut,
  };
}

/**
 * The hot path over a service's NATS connection: binary frames with W3C trace context in headers,
 * request/reply through one shared inbox, and header access that does not allocate when a message
 * has none. Control messages do not come through here: they are Nest `@MessagePattern` /
 * `@EventPattern` handlers and `ClientProxy` calls over the same connection (service-kit's
 * control plane). Handlers run synchronously in NATS' delivery callback; anything slow must be
 * handed off, never awaited there.
 */
export class MessageBus {
  private readonly inbox: ReplyInbox;
  /** Whether nats-server is reachable now; requests fail fast while it is not. */
  readonly link: BusLink;

  private constructor(
    private readonly connection: NatsConnection,
    inboxPrefix?: string,
  ) {
    this.link = new BusLink(connection);
    this.inbox = new ReplyInbox(connection, this.link, inboxPrefix);
  }

  /** A bus with a connection of its own (a slot's serving thread). */
  static async connect(options: BusOptions): Promise<MessageBus> {
    return new MessageBus(await connectNats(options), options.inboxPrefix);
  }

  /** A bus over a connection the service already holds, shared with its control plane (and its inbox prefix). */
  static over(connection: NatsConnection, inboxPrefix?: string): MessageBus {
    return new MessageBus(connection, inboxPrefix);
  }

  /** Largest payload the server accepts, after which publishes fail: tensors beyond it are refused. */
  get maxPayload(): number {
    return this.connection.info?.max_payload ?? 1024 * 1024;
  }

  /**
   * Sends a message. While the link is down it is dropped rather than left in the client's
   * reconnect buffer: everything on this path belongs to a request whose waiter has already failed
   * (see ReplyInbox), and running it once the bus is back would serve an answer nobody awaits.
   */
  publish(subject: string, data: Uint8Array, options: PublishOptions = {}): void {
    if (!this.link.up) return;
    this.connection.publish(subject, data, {
      headers: toNatsHeaders(options.headers, options.trace),
      reply: options.reply,
    });
  }

  /**
   * Request/reply with the given timeout; the reply may come from any process that answers (the
   * executor answers requests sent to the scheduler). Rejects with NoResponders when nothing listens
   * on `subject`, and with Timeout after `timeoutMs`.
   */
  request(subject: string, data: Uint8Array, timeoutMs: number, options: Omit<PublishOptions, 'reply'> = {}): Promise<IncomingMessage> {
    const { reply, answer } = this.inbox.open(timeoutMs);
    this.publish(subject, data, { ...options, reply });
    return answer;
  }

  /**
   * A reply subject and the answer that will come to it, for a request the caller sends itself —
   * inside a message that carries several (see `replyGroup`).
   */
  openReply(timeoutMs: number): { reply: string; answer: Promise<IncomingMessage> } {
    return this.inbox.open(timeoutMs);
  }

  /** The reply subject for a message carrying the requests opened with these replies: no responders there fails them all. */
  replyGroup(replies: readonly string[], timeoutMs: number): string {
    return this.inbox.openGroup(replies, timeoutMs);
  }

  /** Fails every request waiting for a reply on this connection with `error`; returns how many. */
  failWaiting(error: Error): number {
    return this.inbox.failAll(error);
  }

  subscribe(subject: string, handler: (message: IncomingMessage) => void, options: SubscribeOptions = {}): Subscription {
    return this.connection.subscribe(subject, {
      queue: options.queue,
      callback: (error, msg) => {
        if (error) return; // a subscription error closes it; the service logs connection status separately
        handler(incoming(msg));
      },
    });
  }

  /**
   * Calls `report` with a sentence for each refusal nats-server sends on this connection while it
   * runs: a publish or subscription its permissions do not allow (naming the subject), or its
   * credentials refused on a reconnect. Nothing else from the connection's status reaches it.
   */
  watchRefusals(report: (text: string) => void): void {
    void (async () => {
      for await (const status of this.connection.status()) {
        const refusal = describeBusStatus(status);
        if (refusal) report(refusal.text);
      }
    })();
  }

  /** Waits until the server has seen everything published so far (used before announcing readiness). */
  flush(): Promise<void> {
    return this.connection.flush();
  }

  /** Lets in-flight handlers finish, then closes. */
  async drain(): Promise<void> {
    this.inbox.close();
    if (!this.connection.isClosed()) await this.connection.drain();
  }

  get closed(): Promise<void | Error> {
    return this.connection.closed();
  }
}

/** NATS headers for a message, or none at all when there is nothing to say (the common case). */
function toNatsHeaders(extra: Record<string, string> | undefined, trace: Context | undefined): MsgHdrs | undefined {
  const record = injectTraceHeaders(extra ? { ...extra } : {}, trace ?? context.active());
  let result: MsgHdrs | undefined;
  for (const key in record) (result ??= natsHeaders()).set(key, record[key]);
  return result;
}

