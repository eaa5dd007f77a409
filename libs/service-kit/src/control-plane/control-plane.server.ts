import { ServerNats } from '@nestjs/microservices';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { context } from '@opentelemetry/api';
import { extractTraceContext } from '@flotilla/telemetry';
import { describeBusStatus } from '@flotilla/transport';
import { ControlReplySerializer, ControlRequestDeserializer } from './control-codecs';
import type { ControlPlaneListening } from './control-plane-listening';

/** Header access the way Nest's NatsContext hands NATS headers over. */
interface HeaderCarrier {
  getHeaders(): { get(name: string): string } | undefined;
}

/**
 * Nest's NATS transport over the service's one connection. It changes three things (and logs
 * the server's refusals — permissions, credentials — as errors naming the subject): it subscribes on the connection the service already holds (the hot path shares it, so a
 * process has one NATS connection); closing the server unsubscribes the control handlers but
 * leaves the connection to its owner (ControlPlaneModule drains it last); and every handler runs
 * inside the sender's trace context (`traceparent` in the message headers). A handler's queue
 * group comes from its pattern's extras, `@MessagePattern(subject, { queue })`, so broadcasts and
 * load-balanced requests share one server.
 */
export class ControlPlaneServer extends ServerNats {
  private readonly controlSubscriptions: Subscription[] = [];

  constructor(
    private readonly connection: NatsConnection,
    private readonly listening?: ControlPlaneListening,
  ) {
    super({ serializer: new ControlReplySerializer(), deserializer: new ControlRequestDeserializer() });
    this.setOnProcessingStartHook((_transport, rpcContext, done) => {
      const headers = (rpcContext as unknown as HeaderCarrier).getHeaders();
      const parent = headers ? extractTraceContext((name) => headers.get(name) || undefined) : context.active();
      return context.with(parent, done);
    });
  }

  override async createNatsClient(): Promise<NatsConnection> {
    return this.connection;
  }

  /**
   * Connection status for the logs. Nest's own handler logs every disconnect as an error, which
   * Ctrl-C (nats-server stops with the services) would print five times; reconnects are automatic
   * (MessageBus' connect options), so the changes are debug lines here.
   */
  override async handleStatusUpdates(connection: NatsConnection): Promise<void> {
    for await (const status of connection.status()) {
      // A refusal is the deployment's permissions or credentials saying no: never a debug line.
      const refusal = describeBusStatus(status);
      if (refusal) this.logger.error(refusal.text);
      else if (status.type === 'disconnect' || status.type === 'reconnect' || status.type === 'error') this.logger.debug?.(`NATS connection: ${status.type}`);
    }
  }

  /** One subscription per pattern, in the queue group its handler names (none: every replica hears it). */
  override bindEvents(connection: NatsConnection): void {
    for (const [pattern, handler] of this.messageHandlers) {
      const queue = (handler.extras as { queue?: string } | undefined)?.queue;
      this.controlSubscriptions.push(connection.subscribe(pattern, { queue, callback: this.getMessageHandler(pattern).bind(this) }));
    }
    // Whatever the service publishes from now on follows these subscriptions on the same
    // connection, so the server knows them before any answer can come back.
    this.listening?.markSubscribed();
  }

  override async close(): Promise<void> {
    for (const subscription of this.controlSubscriptions.splice(0)) {
      if (!this.connection.isClosed()) subscription.unsubscribe();
    }
    this.statusEventEmitter.removeAllListeners();
  }
}
