import { FlotillaError, internal, type ControlReply } from '@flotilla/contracts';
import { busError } from './errors';
import type { IncomingMessage } from './incoming-message';
import type { MessageBus, SubscribeOptions } from './message-bus';

/**
 * JSON request/reply for control messages (metadata, status, registry). Never used for tensors.
 * Replies are a `ControlReply` envelope so that a failure keeps its Triton error code across hops.
 */
export async function requestJson<T>(bus: MessageBus, subject: string, body: unknown, timeoutMs = 2000): Promise<T> {
  let reply: IncomingMessage;
  try {
    reply = await bus.request(subject, encodeJson(body), timeoutMs);
  } catch (error) {
    throw busError(error, `request to ${subject} failed`);
  }
  const envelope = decodeJson<ControlReply<T>>(reply.data);
  if (!envelope.ok) throw FlotillaError.fromWire(envelope.error);
  return envelope.value;
}

export function serveJson<Q, R>(bus: MessageBus, subject: string, handler: (request: Q, message: IncomingMessage) => R | Promise<R>, options: SubscribeOptions = {}) {
  return bus.subscribe(
    subject,
    (message) => {
      if (!message.reply) return;
      const replyTo = message.reply;
      const answer = (envelope: ControlReply<R>) => bus.publish(replyTo, encodeJson(envelope));
      Promise.resolve()
        .then(() => handler(message.data.byteLength ? decodeJson<Q>(message.data) : (undefined as Q), message))
        .then(
          (value) => answer({ ok: true, value }),
          (error) => answer({ ok: false, error: (error instanceof FlotillaError ? error : internal(String((error as Error)?.message ?? error))).toWire() }),
        );
    },
    options,
  );
}

export function publishJson(bus: MessageBus, subject: string, body: unknown): void {
  bus.publish(subject, encodeJson(body));
}

export function encodeJson(value: unknown): Uint8Array {
  return Buffer.from(JSON.stringify(value ?? null), 'utf8');
}

export function decodeJson<T>(data: Uint8Array): T {
  return JSON.parse(Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8')) as T;
}
