/**
 * A description of protobuf messages, just rich enough to drive text-format parsing, text and JSON
 * rendering and default filling. Written by hand instead of loaded from a .proto because the server
 * only needs the ModelConfig messages and a hand-written table is easy to audit.
 */

export type ScalarType = 'string' | 'bool' | 'int32' | 'int64' | 'uint32' | 'uint64' | 'float' | 'double';
export type MapKeyType = Exclude<ScalarType, 'float' | 'double'>;

export interface EnumSchema {
  readonly name: string;
  /** Value names in numeric order: index = numeric value (all ModelConfig enums are dense from 0). */
  readonly values: readonly string[];
}

export interface ScalarValueSchema {
  readonly kind: 'scalar';
  readonly type: ScalarType;
}

export interface EnumValueSchema {
  readonly kind: 'enum';
  readonly enum: EnumSchema;
}

export interface MessageValueSchema {
  readonly kind: 'message';
  readonly message: MessageSchema;
}

export type ValueSchema = ScalarValueSchema | EnumValueSchema | MessageValueSchema;

/** A singular or repeated field. `oneof` names the group whose members exclude one another. */
export type PlainFieldSchema = ValueSchema & { readonly repeated?: boolean; readonly oneof?: string };

export interface MapFieldSchema {
  readonly kind: 'map';
  readonly key: MapKeyType;
  readonly value: ValueSchema;
}

export type FieldSchema = PlainFieldSchema | MapFieldSchema;

export interface MessageSchema {
  /** Proto message name, used in error messages. */
  readonly name: string;
  /** Fields in declaration order, which is also the order they are rendered in. */
  readonly fields: Readonly<Record<string, FieldSchema>>;
  /** Real proto fields this implementation does not support, so their error can say so. */
  readonly unsupported?: readonly string[];
}

export const scalar = (type: ScalarType): ScalarValueSchema => ({ kind: 'scalar', type });
export const enumOf = (schema: EnumSchema): EnumValueSchema => ({ kind: 'enum', enum: schema });
export const messageOf = (message: MessageSchema): MessageValueSchema => ({ kind: 'message', message });
export const repeated = (value: ValueSchema): PlainFieldSchema => ({ ...value, repeated: true });
export const oneofMember = (oneof: string, value: ValueSchema): PlainFieldSchema => ({ ...value, oneof });
export const mapOf = (key: MapKeyType, value: ValueSchema): MapFieldSchema => ({ kind: 'map', key, value });

/** The proto3 default of a non-message value. */
export function defaultValue(value: ScalarValueSchema | EnumValueSchema): unknown {
  if (value.kind === 'enum') return value.enum.values[0];
  switch (value.type) {
    case 'string':
      return '';
    case 'bool':
      return false;
    default:
      return 0;
  }
}

/** Map entries are written in text format as messages with a `key` and a `value` field. */
export function mapEntrySchema(fieldName: string, field: MapFieldSchema): MessageSchema {
  return {
    name: `${fieldName}Entry`,
    fields: { key: scalar(field.key), value: field.value },
  };
}

/** Map keys are stored as JS object keys (`String(key)`); this recovers the typed key. */
export function mapKeyFromString(key: string, type: MapKeyType): unknown {
  if (type === 'string') return key;
  if (type === 'bool') return key === 'true';
  return Number(key);
}

/** Sets an own property even for keys like `__proto__` (map keys come from untrusted text). */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
