// The control plane's wire format, done once for every control message: the body is the message
// as JSON (no Nest packet around it: the subject is the pattern, and a reply subject makes it a
// request), and a reply is the envelope `{ok: true, value} | {ok: false, error: {code, message}}`
// with the error's code repeated in the `Flotilla-Error-Code` header. W3C trace context rides in
// the request's headers. Nest's own NATS serializer would wrap every body in `{pattern, data, id}`.
import type { Deserializer, IncomingEvent, IncomingRequest, IncomingResponse, OutgoingResponse, ReadPacket, Serializer } from '@nestjs/microservices';
import { headers as natsHeaders, type Msg, type MsgHdrs } from '@nats-io/transport-node';
import { FlotillaError, HEADERS, internal, isErrorCode, type ControlReply, type WireError } from '@flotilla/contracts';
import { injectTraceHeaders } from '@flotilla/telemetry';
import { decodeJson, encodeJson } from '@flotilla/transport';

export interface NatsWireMessage {
  readonly data: Uint8Array;
  readonly headers?: MsgHdrs;
}

/** Client side, outgoing: the body as JSON, the active trace context as headers. */
export class ControlRequestSerializer implements Serializer<ReadPacket, NatsWireMessage> {
  serialize(packet: ReadPacket): NatsWireMessage {
    return { data: encodeJson(packet.data), headers: toNatsHeaders(injectTraceHeaders({})) };
  }
}

/** Server side, incoming: a request when it has a reply subject (which is then its id), else an event. */
export class ControlRequestDeserializer implements Deserializer<Msg, IncomingRequest | IncomingEvent> {
  deserialize(msg: Msg, options?: { channel?: string }): IncomingRequest | IncomingEvent {
    const pattern = options?.channel ?? msg.subject;
    const data = msg.data.byteLength ? decodeJson(msg.data) : undefined;
    return msg.reply ? { id: msg.reply, pattern, data } : { pattern, data };
  }
}

/** Server side, outgoing: a handler's value or error in the envelope; the code also in a header. */
export class ControlReplySerializer implements Serializer<OutgoingResponse, NatsWireMessage> {
  serialize(packet: OutgoingResponse): NatsWireMessage {
    if (packet.err === undefined || packet.err === null) {
      return { data: encodeJson({ ok: true, value: packet.response ?? null } satisfies ControlReply<unknown>) };
    }
    const error = toWireError(packet.err);
    const headers = natsHeaders();
    headers.set(HEADERS.errorCode, error.code);
    return { data: encodeJson({ ok: false, error } satisfies ControlReply<unknown>), headers };
  }
}

/** Client side, incoming: the envelope's value, or a FlotillaError whose code comes from the header. */
export class ControlReplyDeserializer implements Deserializer<Msg, IncomingResponse> {
  deserialize(msg: Msg): IncomingResponse {
    const envelope = decodeJson<ControlReply<unknown>>(msg.data);
    // No id: the reply arrives on the request's own inbox, so it cannot belong to another request.
    if (envelope.ok) return { id: undefined as unknown as string, response: envelope.value, isDisposed: true };
    const code = msg.headers?.get(HEADERS.errorCode) || envelope.error.code;
    return { id: undefined as unknown as string, err: FlotillaError.fromWire({ code: isErrorCode(code) ? code : 'UNKNOWN', message: envelope.error.message }), isDisposed: true };
  }
}

/** What a failed handler says on the wire: its own code, or INTERNAL for anything unexpected. */
export function toWireError(error: unknown): WireError {
  if (error instanceof FlotillaError) return error.toWire();
  if (isWireError(error)) return error;
  return internal(error instanceof Error ? error.message : String(error)).toWire();
}

function isWireError(value: unknown): value is WireError {
  return typeof value === 'object' && value !== null && isErrorCode((value as WireError).code) && typeof (value as WireError).message === 'string';
}

function toNatsHeaders(record: Record<string, string>): MsgHdrs | undefined {
  let result: MsgHdrs | undefined;
  for (const key in record) (result ??= natsHeaders()).set(key, record[key]);
  return result;
}
