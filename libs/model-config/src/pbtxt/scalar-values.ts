import type { EnumValueSchema, ScalarType, ScalarValueSchema } from './schema';
import { describeToken, type TokenCursor } from './token-cursor';
import type { Token } from './tokenizer';

type IntegerType = Exclude<ScalarType, 'string' | 'bool' | 'float' | 'double'>;

/**
 * Inclusive ranges. 64-bit types stop at 2^53-1 because ModelConfig keeps them as JS numbers, and
 * silently rounding a queue size or a timeout would be worse than refusing it.
 */
const INTEGER_RANGES: Readonly<Record<IntegerType, readonly [bigint, bigint]>> = {
  int32: [-(2n ** 31n), 2n ** 31n - 1n],
  uint32: [0n, 2n ** 32n - 1n],
  int64: [-(2n ** 53n - 1n), 2n ** 53n - 1n],
  uint64: [0n, 2n ** 53n - 1n],
};

const TRUE_WORDS = new Set(['true', 'True', 't']);
const FALSE_WORDS = new Set(['false', 'False', 'f']);
const FLOAT_WORDS: Readonly<Record<string, number>> = { inf: Infinity, infinity: Infinity, nan: NaN };

/**
 * Reads one value of a non-message field. `context` names the field for error messages, e.g.
 * "field 'count' in ModelInstanceGroup".
 */
export function readScalarValue(cursor: TokenCursor, schema: ScalarValueSchema | EnumValueSchema, context: string): unknown {
  if (schema.kind === 'enum') return readEnum(cursor, schema, context);
  switch (schema.type) {
    case 'string':
      return readString(cursor, context);
    case 'bool':
      return readBool(cursor, context);
    case 'float':
    case 'double':
      return readFloat(cursor, context);
    default:
      return readInteger(cursor, schema.type, context);
  }
}

/** Adjacent literals concatenate, as in C: `"ab" 'cd'` is "abcd". */
function readString(cursor: TokenCursor, context: string): string {
  const first = cursor.next();
  if (first.kind !== 'string') throw cursor.error(first, `expected a string for ${context}, got ${describeToken(first)}`);
  let value = first.value;
  for (let token = cursor.peek(); token.kind === 'string'; token = cursor.peek()) {
    value += token.value;
    cursor.next();
  }
  return value;
}

function readBool(cursor: TokenCursor, context: string): boolean {
  const token = cursor.next();
  const word = token.kind === 'identifier' || token.kind === 'number' ? token.text : undefined;
  if (word !== undefined && (TRUE_WORDS.has(word) || word === '1')) return true;
  if (word !== undefined && (FALSE_WORDS.has(word) || word === '0')) return false;
  throw cursor.error(token, `expected true or false for ${context}, got ${describeToken(token)}`);
}

/** Enums are written by name, or by number as protobuf also allows. */
function readEnum(cursor: TokenCursor, schema: EnumValueSchema, context: string): string {
  const values = schema.enum.values;
  const token = cursor.peek();
  if (token.kind === 'identifier') {
    cursor.next();
    if (values.includes(token.text)) return token.text;
    throw cursor.error(token, `unknown value '${token.text}' of enum ${schema.enum.name} for ${context}; expected one of ${values.join(', ')}`);
  }
  if (token.kind === 'number' || cursor.isSymbol('-')) {
    const number = readSignedInteger(cursor, context);
    const name = number.value >= 0n && number.value < BigInt(values.length) ? values[Number(number.value)] : undefined;
    if (name === undefined) throw cursor.error(number.token, `${number.value} is not a value of enum ${schema.enum.name} for ${context}`);
    return name;
  }
  throw cursor.error(token, `expected an enum value for ${context}, got ${describeToken(token)}`);
}

function readInteger(cursor: TokenCursor, type: IntegerType, context: string): number {
  const { value, token } = readSignedInteger(cursor, context);
  const [min, max] = INTEGER_RANGES[type];
  if (value < min || value > max) throw cursor.error(token, `${value} is out of range for ${type} ${context} (allowed: ${min} to ${max})`);
  return Number(value);
}

/** An optional `-` and an integer literal: decimal, hex (`0x1F`) or octal (`017`). */
function readSignedInteger(cursor: TokenCursor, context: string): { value: bigint; token: Token } {
  const start = cursor.peek();
  const negative = cursor.accept('-');
  const token = cursor.next();
  const magnitude = token.kind === 'number' ? integerLiteralValue(token.text) : undefined;
  if (magnitude === undefined) throw cursor.error(token, `expected an integer for ${context}, got ${describeToken(token)}`);
  return { value: negative ? -magnitude : magnitude, token: start };
}

function integerLiteralValue(text: string): bigint | undefined {
  if (/^0[xX][0-9a-fA-F]+$/.test(text)) return BigInt(text);
  if (/^0[0-7]+$/.test(text)) return BigInt(`0o${text.slice(1)}`);
  if (/^(0|[1-9][0-9]*)$/.test(text)) return BigInt(text);
  return undefined;
}

function readFloat(cursor: TokenCursor, context: string): number {
  const sign = cursor.accept('-') ? -1 : 1;
  const token = cursor.next();
  if (token.kind === 'identifier' && Object.hasOwn(FLOAT_WORDS, token.text.toLowerCase())) return sign * FLOAT_WORDS[token.text.toLowerCase()];
  if (token.kind !== 'number') throw cursor.error(token, `expected a number for ${context}, got ${describeToken(token)}`);
  const integer = integerLiteralValue(token.text);
  return sign * (integer !== undefined ? Number(integer) : Number(token.text.replace(/[fF]$/, '')));
}
