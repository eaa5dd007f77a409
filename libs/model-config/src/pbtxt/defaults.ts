import { defaultValue, setOwn, type MessageSchema, type ValueSchema } from './schema';

type Message = Record<string, unknown>;

/**
 * A copy of `message` with every scalar, repeated and map field present (proto3 defaults where
 * unset), in schema order, and nothing the schema does not know. Unset message fields stay absent:
 * their presence is meaningful. This is both the filled-in ModelConfig and Triton's JSON form, which
 * prints all primitive fields.
 */
export function withDefaults(schema: MessageSchema, message: Message): Message {
  const result: Message = {};
  for (const [name, field] of Object.entries(schema.fields)) {
    const value = Object.hasOwn(message, name) ? message[name] : undefined;
    if (field.kind === 'map') {
      const map: Message = {};
      for (const [key, entry] of Object.entries((value ?? {}) as Message)) setOwn(map, key, completeValue(field.value, entry));
      result[name] = map;
    } else if (field.repeated) {
      result[name] = ((value ?? []) as unknown[]).map((element) => completeValue(field, element));
    } else if (field.kind === 'message') {
      if (value !== undefined) result[name] = withDefaults(field.message, value as Message);
    } else {
      result[name] = value ?? defaultValue(field);
    }
  }
  return result;
}

function completeValue(schema: ValueSchema, value: unknown): unknown {
  return schema.kind === 'message' ? withDefaults(schema.message, value as Message) : value;
}
