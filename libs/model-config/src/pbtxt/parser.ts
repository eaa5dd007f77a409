import { readScalarValue } from './scalar-values';
import {
  defaultValue,
  mapEntrySchema,
  scalar,
  setOwn,
  type FieldSchema,
  type MapFieldSchema,
  type MessageSchema,
  type PlainFieldSchema,
  type ValueSchema,
} from './schema';
import { describeToken, TokenCursor } from './token-cursor';
import { tokenize, type Token } from './tokenizer';

type Message = Record<string, unknown>;

const CLOSING_BRACKET: Readonly<Record<string, string>> = { '{': '}', '<': '>' };

/**
 * Parses protobuf text format into a plain object holding only the fields the text sets (repeated
 * fields as arrays, maps as objects keyed by the key's text form). Throws PbtxtParseError.
 */
export function parseText(text: string, schema: MessageSchema, file: string): Message {
  return parseFields(new TokenCursor(tokenize(text, file), file), schema, undefined);
}

/** Reads fields until `closing` (or the end of input for the top-level message). */
function parseFields(cursor: TokenCursor, schema: MessageSchema, closing: string | undefined): Message {
  const message: Message = {};
  const setBy = new Map<string, Token>(); // field or oneof name → where it was first set
  for (;;) {
    const token = cursor.next();
    if (closing !== undefined ? token.kind === 'symbol' && token.text === closing : token.kind === 'eof') return message;
    if (token.kind !== 'identifier') {
      const expected = closing === undefined ? 'a field name' : `a field name or '${closing}'`;
      throw cursor.error(token, `expected ${expected} in ${schema.name}, got ${describeToken(token)}`);
    }
    if (!Object.hasOwn(schema.fields, token.text)) throw cursor.error(token, unknownFieldReason(schema, token.text));
    parseField(cursor, token, schema.fields[token.text], schema, message, setBy);
    if (!cursor.accept(',')) cursor.accept(';');
  }
}

function unknownFieldReason(schema: MessageSchema, name: string): string {
  return schema.unsupported?.includes(name)
    ? `field '${name}' in ${schema.name} is not supported by this server`
    : `unknown field '${name}' in ${schema.name}`;
}

function parseField(cursor: TokenCursor, nameToken: Token, field: FieldSchema, schema: MessageSchema, message: Message, setBy: Map<string, Token>): void {
  const name = nameToken.text;
  const context = `field '${name}' in ${schema.name}`;
  if (field.kind === 'map') {
    const entries = parseValues(cursor, { kind: 'message', message: mapEntrySchema(name, field), repeated: true }, context);
    const map = (message[name] ??= {}) as Message;
    for (const entry of entries as Message[]) addMapEntry(map, field, entry);
    return;
  }
  const values = parseValues(cursor, field, context);
  if (field.repeated) {
    ((message[name] ??= []) as unknown[]).push(...values);
    return;
  }
  const slot = field.oneof ?? name;
  const earlier = setBy.get(slot);
  if (earlier !== undefined) {
    const reason = field.oneof === undefined
      ? `${context} is specified more than once`
      : `${context} and field '${earlier.text}' are both set, but they belong to oneof '${field.oneof}'`;
    throw cursor.error(nameToken, reason);
  }
  setBy.set(slot, nameToken);
  message[name] = values[0];
}

/**
 * Reads what follows a field name: `: value`, `: [v1, v2]`, or for messages `{...}`/`<...>` with
 * an optional colon. Returns the values in order (one, unless list syntax was used).
 */
function parseValues(cursor: TokenCursor, field: PlainFieldSchema, context: string): unknown[] {
  const colon = cursor.accept(':');
  if (!colon && field.kind !== 'message') throw cursor.error(cursor.peek(), `expected ':' after ${context}, got ${describeToken(cursor.peek())}`);
  if (!cursor.isSymbol('[')) return [parseValue(cursor, field, context)];
  const open = cursor.next();
  if (!field.repeated) throw cursor.error(open, `${context} is not repeated, so it cannot take a list`);
  const values: unknown[] = [];
  if (cursor.accept(']')) return values;
  do values.push(parseValue(cursor, field, context));
  while (cursor.accept(','));
  cursor.expect(']', `to close the list of ${context}`);
  return values;
}

function parseValue(cursor: TokenCursor, value: ValueSchema, context: string): unknown {
  if (value.kind !== 'message') return readScalarValue(cursor, value, context);
  const open = cursor.next();
  const closing = open.kind === 'symbol' ? CLOSING_BRACKET[open.text] : undefined;
  if (closing === undefined) throw cursor.error(open, `expected '{' or '<' to start ${context}, got ${describeToken(open)}`);
  return parseFields(cursor, value.message, closing);
}

/** A later entry with the same key replaces an earlier one, as protobuf's own parser does. */
function addMapEntry(map: Message, field: MapFieldSchema, entry: Message): void {
  const key = entry.key ?? defaultValue(scalar(field.key));
  const value = entry.value ?? (field.value.kind === 'message' ? {} : defaultValue(field.value));
  setOwn(map, String(key), value);
}
