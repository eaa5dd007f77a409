import {
  defaultValue,
  mapKeyFromString,
  scalar,
  type EnumValueSchema,
  type MapFieldSchema,
  type MessageSchema,
  type ScalarValueSchema,
  type ValueSchema,
} from './schema';
import { quoteString } from './string-literal';

type Message = Record<string, unknown>;

const INDENT = '  ';

/**
 * Canonical protobuf text: fields in schema order, two-space indentation, scalars at their default
 * left out (proto3 cannot tell them from unset), messages printed whenever present, repeated
 * scalars as one `[a, b]` list, map entries sorted by key. parseText reads it back unchanged.
 */
export function renderText(schema: MessageSchema, message: Message): string {
  const lines: string[] = [];
  renderFields(schema, message, '', lines);
  return lines.map((line) => `${line}\n`).join('');
}

function renderFields(schema: MessageSchema, message: Message, indent: string, lines: string[]): void {
  for (const [name, field] of Object.entries(schema.fields)) {
    const value = Object.hasOwn(message, name) ? message[name] : undefined;
    if (value === undefined) continue;
    if (field.kind === 'map') {
      renderMap(name, field, value as Message, indent, lines);
    } else if (field.kind === 'message') {
      const elements = field.repeated ? (value as Message[]) : [value as Message];
      for (const element of elements) renderBlock(name, field.message, element, indent, lines);
    } else if (field.repeated) {
      const elements = value as unknown[];
      if (elements.length > 0) lines.push(`${indent}${name}: [${elements.map((element) => formatScalar(field, element)).join(', ')}]`);
    } else if (!Object.is(value, defaultValue(field))) {
      lines.push(`${indent}${name}: ${formatScalar(field, value)}`);
    }
  }
}

function renderBlock(name: string, schema: MessageSchema, message: Message, indent: string, lines: string[]): void {
  const inner: string[] = [];
  renderFields(schema, message, indent + INDENT, inner);
  if (inner.length === 0) {
    lines.push(`${indent}${name} {}`);
  } else {
    lines.push(`${indent}${name} {`, ...inner, `${indent}}`);
  }
}

/** Each entry is a `name { key: ... value ... }` block; key and value are always written out. */
function renderMap(name: string, field: MapFieldSchema, map: Message, indent: string, lines: string[]): void {
  const inner = indent + INDENT;
  for (const key of sortedKeys(Object.keys(map), field)) {
    lines.push(`${indent}${name} {`, `${inner}key: ${formatScalar(scalar(field.key), mapKeyFromString(key, field.key))}`);
    renderMapValue(field.value, map[key], inner, lines);
    lines.push(`${indent}}`);
  }
}

function renderMapValue(schema: ValueSchema, value: unknown, indent: string, lines: string[]): void {
  if (schema.kind === 'message') renderBlock('value', schema.message, value as Message, indent, lines);
  else lines.push(`${indent}value: ${formatScalar(schema, value)}`);
}

function sortedKeys(keys: string[], field: MapFieldSchema): string[] {
  const numeric = field.key !== 'string' && field.key !== 'bool';
  return numeric ? keys.sort((a, b) => Number(a) - Number(b)) : keys.sort();
}

function formatScalar(schema: ScalarValueSchema | EnumValueSchema, value: unknown): string {
  if (schema.kind === 'enum') return String(value);
  switch (schema.type) {
    case 'string':
      return quoteString(value as string);
    case 'float':
    case 'double':
      return formatFloat(value as number);
    default:
      return String(value);
  }
}

function formatFloat(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  return Object.is(value, -0) ? '-0' : String(value);
}
