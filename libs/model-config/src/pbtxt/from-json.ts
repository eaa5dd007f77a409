import { invalidArg } from '@flotilla/contracts';
import { setOwn, type FieldSchema, type MessageSchema, type ValueSchema } from './schema';

type Message = Record<string, unknown>;

const INTEGER_LIMIT = 2 ** 53 - 1;

/**
 * Reads a message in protobuf's JSON form (what Triton's `GET /v2/models/<m>/config` prints and its
 * load API's `config` parameter takes: snake_case names, enums by name, 64-bit integers as numbers
 * or decimal strings) into the same shape the text parser produces. Unknown fields, wrong types and
 * unknown enum names are refused naming the field's path, never dropped: a setting the caller wrote
 * and the server silently lost would be worse than an error.
 */
export function readJsonMessage(schema: MessageSchema, value: unknown, path = ''): Message {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalidArg(`${where(path, schema)} must be a JSON object`);
  const result: Message = {};
  for (const [name, raw] of Object.entries(value as Message)) {
    const fieldPath = path ? `${path}.${name}` : name;
    const field = Object.hasOwn(schema.fields, name) ? schema.fields[name] : undefined;
    if (!field) {
      const why = schema.unsupported?.includes(name) ? 'is not supported by this server' : `is not a field of ${schema.name}`;
      throw invalidArg(`'${fieldPath}' ${why}`);
    }
    if (raw === null) continue; // protobuf JSON: null means "unset"
    setOwn(result, name, readField(field, raw, fieldPath));
  }
  return result;
}

function readField(field: FieldSchema, raw: unknown, path: string): unknown {
  if (field.kind === 'map') {
    if (typeof raw !== 'object' || Array.isArray(raw)) throw invalidArg(`'${path}' must be a JSON object (a map)`);
    const map: Message = {};
    for (const [key, entry] of Object.entries(raw as Message)) setOwn(map, key, readValue(field.value, entry, `${path}["${key}"]`));
    return map;
  }
  if (field.repeated) {
    if (!Array.isArray(raw)) throw invalidArg(`'${path}' must be a JSON array`);
    return raw.map((element, i) => readValue(field, element, `${path}[${i}]`));
  }
  return readValue(field, raw, path);
}

function readValue(schema: ValueSchema, raw: unknown, path: string): unknown {
  if (schema.kind === 'message') return readJsonMessage(schema.message, raw, path);
  if (schema.kind === 'enum') {
    const names = schema.enum.values;
    if (typeof raw === 'string' && names.includes(raw)) return raw;
    if (typeof raw === 'number' && Number.isInteger(raw) && raw >= 0 && raw < names.length) return names[raw];
    throw invalidArg(`'${path}' must be one of ${names.join(', ')}, got ${JSON.stringify(raw)}`);
  }
  switch (schema.type) {
    case 'string':
      if (typeof raw !== 'string') throw invalidArg(`'${path}' must be a string, got ${JSON.stringify(raw)}`);
      return raw;
    case 'bool':
      if (typeof raw !== 'boolean') throw invalidArg(`'${path}' must be true or false, got ${JSON.stringify(raw)}`);
      return raw;
    case 'float':
    case 'double': {
      const number = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
      if (typeof number !== 'number' || Number.isNaN(number)) throw invalidArg(`'${path}' must be a number, got ${JSON.stringify(raw)}`);
      return number;
    }
    default: {
      const number = typeof raw === 'string' && /^-?\d+$/.test(raw) ? Number(raw) : raw;
      const unsigned = schema.type.startsWith('u');
      const max = schema.type.endsWith('32') ? (unsigned ? 2 ** 32 - 1 : 2 ** 31 - 1) : INTEGER_LIMIT;
      const min = unsigned ? 0 : schema.type.endsWith('32') ? -(2 ** 31) : -INTEGER_LIMIT;
      if (typeof number !== 'number' || !Number.isInteger(number) || number < min || number > max) {
        throw invalidArg(`'${path}' must be an integer from ${min} to ${max} (${schema.type}), got ${JSON.stringify(raw)}`);
      }
      return number;
    }
  }
}

function where(path: string, schema: MessageSchema): string {
  return path ? `'${path}'` : `a ${schema.name}`;
}
