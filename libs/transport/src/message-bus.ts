import { connect, headers as natsHeaders, type Msg, type MsgHdrs, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { context, type Context } from '@opentelemetry/api';
import { extractTraceContext, injectTraceHeaders } from '@flotilla/telemetry';

export interface BusOptions {
  /** NATS server URL(s), e.g. `nats://127.0.0.1:4222`. */
  readonly servers: string | string[];
  /** Connection name, shown by `nats-server` monitoring: use the service name. */
  readonly name: string;
}

/** A message as a handler sees it: bytes, the reply subject, and header access. */
export interface IncomingMessage {
  readonly subject: string;
  readonly data: Uint8Array;
  readonly reply?: string;
  header(name: string): string | undefined;
  /** The sender's trace context (from `traceparent`), to parent this hop's spans on. */
  traceContext(): Context;
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
 * The one NATS connection of a service. It adds what every hop needs and raw NATS lacks: W3C
 * trace context in headers on every publish, and header access that works without allocating
 * when a message has none. Handlers run synchronously in NATS' delivery callback; anything slow
 * must be handed off, never awaited there.
 */
export class MessageBus {
  private constructor(private readonly connection: NatsConnection) {}

  static async connect(options: BusOptions): Promise<MessageBus> {
    const connection = await connect({
      servers: options.servers,
      name: options.name,
      // Services start before NATS is reachable in some deployments: keep trying rather than exit.
      waitOnFirstConnect: true,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
    });
    return new MessageBus(connection);
  }

  /** Largest payload the server accepts, after which publishes fail: tensors beyond it are refused. */
  get maxPayload(): number {
    return this.connection.info?.max_payload ?? 1024 * 1024;
  }

  publish(subject: string, data: Uint8Array, options: PublishOptions = {}): void {
    this.connection.publish(subject, data, {
      headers: toNatsHeaders(options.headers, options.trace),
      reply: options.reply,
    });
  }

  /** Request/reply with the given timeout; the reply may come from any process that answers. */
  async request(subject: string, data: Uint8Array, timeoutMs: number, options: Omit<PublishOptions, 'reply'> = {}): Promise<IncomingMessage> {
    const reply = await this.connection.request(subject, data, {
      timeout: timeoutMs,
      headers: toNatsHeaders(options.headers, options.trace),
    });
    return incoming(reply);
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

  /** Waits until the server has seen everything published so far (used before announcing readiness). */
  flush(): Promise<void> {
    return this.connection.flush();
  }

  /** Lets in-flight handlers finish, then closes. */
  async drain(): Promise<void> {
    if (!this.connection.isClosed()) await this.connection.drain();
  }

  get closed(): Promise<void | Error> {
    return this.connection.closed();
  }
}

function toNatsHeaders(extra: Record<string, string> | undefined, trace: Context | undefined): MsgHdrs {
  const record = injectTraceHeaders(extra ? { ...extra } : {}, trace ?? context.active());
  const result = natsHeaders();
  for (const key in record) result.set(key, record[key]);
  return result;
}

function incoming(msg: Msg): IncomingMessage {
  const header = (name: string) => (msg.headers ? msg.headers.get(name) || undefined : undefined);
  return {
    subject: msg.subject,
    data: msg.data,
    reply: msg.reply || undefined,
    header,
    traceContext: () => extractTraceContext(header),
  };
}
