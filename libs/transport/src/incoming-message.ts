import type { Msg } from '@nats-io/transport-node';
import type { Context } from '@opentelemetry/api';
import { extractTraceContext } from '@flotilla/telemetry';

/** A message as a handler sees it: bytes, the reply subject, and header access. */
export interface IncomingMessage {
  readonly subject: string;
  readonly data: Uint8Array;
  readonly reply?: string;
  header(name: string): string | undefined;
  /** The sender's trace context (from `traceparent`), to parent this hop's spans on. */
  traceContext(): Context;
}

/** A message that arrived inside another (a coalesced reply): bytes and subject, no headers. */
export function plainMessage(subject: string, data: Uint8Array): IncomingMessage {
  return { subject, data, header: () => undefined, traceContext: () => extractTraceContext(() => undefined) };
}

export function incoming(msg: Msg): IncomingMessage {
  const header = (name: string) => (msg.headers ? msg.headers.get(name) || undefined : undefined);
  return {
    subject: msg.subject,
    data: msg.data,
    reply: msg.reply || undefined,
    header,
    traceContext: () => extractTraceContext(header),
  };
}
