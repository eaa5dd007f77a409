import { ClientNats } from '@nestjs/microservices';
import { EmptyResponseException } from '@nestjs/microservices/errors/empty-response.exception.js';
import type { NatsConnection } from '@nats-io/transport-node';
import { firstValueFrom, lastValueFrom, timeout, TimeoutError } from 'rxjs';
import { FlotillaError, unavailable } from '@flotilla/contracts';
import { BusDownError, encodeJson, type BusLink } from '@flotilla/transport';
import { ControlReplyDeserializer, ControlRequestSerializer } from './control-codecs';

/** How long a control request waits for its answer unless the caller says otherwise. */
export const CONTROL_TIMEOUT_MS = 2000;

/**
 * Nest's NATS `ClientProxy` over the service's one connection, with the control plane's codecs.
 * `send()` / `emit()` work as in any Nest app; `request()` and `emitEvent()` add what every caller
 * here needs: a deadline, and failures mapped by type to a FlotillaError.
 */
export class ControlPlaneClient extends ClientNats {
  constructor(
    private readonly connection: NatsConnection,
    private readonly link: BusLink,
    inboxPrefix?: string,
  ) {
    super({ serializer: new ControlRequestSerializer(), deserializer: new ControlReplyDeserializer(), ...(inboxPrefix ? { inboxPrefix } : {}) });
  }

  override async createClient(): Promise<NatsConnection> {
    return this.connection;
  }

  /** The server strategy reports the connection's status; two reporters would log each event twice. */
  override async handleStatusUpdates(): Promise<void> {}

  /** Fails what is waiting; the connection belongs to ControlPlaneModule, which drains it. */
  override async close(): Promise<void> {
    this.handleClose();
  }

  /**
   * Request/reply with a deadline. Rejects with the handler's own FlotillaError (its code read
   * from the reply), or UNAVAILABLE when nothing listens on the subject or nothing answers in time
   * — at once while the link to NATS is down, rather than after the deadline.
   */
  async request<T>(pattern: string, body: object = {}, timeoutMs = CONTROL_TIMEOUT_MS): Promise<T> {
    try {
      if (!this.link.up) throw this.link.downError();
      return await firstValueFrom(this.send<T>(pattern, body).pipe(timeout(timeoutMs)));
    } catch (error) {
      throw controlError(error, `request to ${pattern} failed`);
    }
  }

  /**
   * A request every instance of a service answers (no queue group), gathered: all the answers
   * that came — `expected` of them, or, when the caller cannot know how many, those that came
   * with no gap longer than `stallMs` after the first — within `timeoutMs`. Rejects as `request`
   * does when none came; answers that are errors are dropped unless all are.
   */
  async requestAll<T>(pattern: string, body: object = {}, options: { expected?: number; timeoutMs?: number; stallMs?: number } = {}): Promise<T[]> {
    const what = `request to ${pattern} failed`;
    const timeoutMs = options.timeoutMs ?? CONTROL_TIMEOUT_MS;
    if (!this.link.up) throw controlError(this.link.downError(), what);
    const strategy = options.expected ? { strategy: 'count' as const, maxMessages: options.expected } : { strategy: 'stall' as const, stall: options.stallMs ?? 100 };
    const answers: T[] = [];
    let firstError: unknown;
    try {
      const replies = await this.connection.requestMany(pattern, encodeJson(body), { ...strategy, maxWait: timeoutMs, headers: this.serializer.serialize({ pattern, data: body }).headers });
      for await (const reply of replies) {
        if (reply.data.byteLength === 0) continue; // a no-responders status: nobody is listening
        const { response, err } = this.deserializer.deserialize(reply) as { response?: T; err?: unknown };
        if (err === undefined) answers.push(response as T);
        else firstError ??= err;
      }
    } catch (error) {
      firstError ??= error;
    }
    if (answers.length > 0) return answers;
    throw controlError(firstError ?? new TimeoutError(), what);
  }

  /** Publishes an event; resolves once it is handed to the connection (in order with earlier ones). */
  async emitEvent(pattern: string, body: object): Promise<void> {
    await lastValueFrom(this.emit(pattern, body), { defaultValue: undefined });
  }
}

/** A failed control request, classified by the failure's type, never by its text. */
export function controlError(error: unknown, what: string): FlotillaError {
  if (error instanceof FlotillaError) return error;
  if (error instanceof BusDownError) return unavailable(`${what}: ${error.message}`);
  if (error instanceof EmptyResponseException) return unavailable(`${what}: no service is listening (is it running?)`);
  if (error instanceof TimeoutError) return unavailable(`${what}: no answer before the deadline`);
  return unavailable(`${what}: ${error instanceof Error ? error.message : String(error)}`);
}
