// model_config.proto must carry every field Flotilla's config schema has: protobufjs drops an
// object key its message lacks without a word, so a missing field would silently vanish from the
// ModelConfig RPC. Every field is set to a non-default value and must survive the wire.
import { MODEL_CONFIG_SCHEMA, type FieldSchema, type MessageSchema, type ValueSchema } from '@flotilla/model-config';
import { util } from 'protobufjs';
import { INFERENCE_SERVICE } from './proto-definitions';
import { serializeResponse } from './server-service-definition';
import { serviceMethods } from './proto-definitions';

function sample(value: ValueSchema): unknown {
  if (value.kind === 'enum') return value.enum.values[value.enum.values.length - 1];
  if (value.kind === 'message') return sampleMessage(value.message);
  switch (value.type) {
    case 'string':
      return 'x';
    case 'bool':
      return true;
    case 'float':
    case 'double':
      return 0.5;
    case 'int64':
    case 'uint64':
      return '3'; // how the loader hands 64-bit integers back
    default:
      return 3;
  }
}

function sampleField(field: FieldSchema): unknown {
  if (field.kind === 'map') return { '7': sample(field.value) };
  return field.repeated ? [sample(field), sample(field)] : sample(field);
}

/** Every field set; of a oneof, only its first member. */
function sampleMessage(schema: MessageSchema): Record<string, unknown> {
  const seenOneofs = new Set<string>();
  const message: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(schema.fields)) {
    if (field.kind !== 'map' && field.oneof) {
      if (seenOneofs.has(field.oneof)) continue;
      seenOneofs.add(field.oneof);
    }
    message[name] = sampleField(field);
  }
  return message;
}

/** What came back, with the loader's additions removed: oneof names, and 64-bit map keys as decimals. */
function normalise(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalise);
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => !key.endsWith('_choice'))
      .map(([key, inner]) => [key.length === 8 && /[^\x20-\x7e]/.test(key) ? String(util.LongBits.fromHash(key).toNumber(true)) : key, normalise(inner)]),
  );
}

describe('model_config.proto', () => {
  it('carries every field of the config schema, with its value, across the wire', () => {
    const config = sampleMessage(MODEL_CONFIG_SCHEMA);
    const bytes = serializeResponse(INFERENCE_SERVICE, 'ModelConfig', { config });
    const decoded = serviceMethods(INFERENCE_SERVICE).ModelConfig.responseDeserialize(bytes) as { config: Record<string, unknown> };
    expect(normalise(decoded.config)).toEqual(config);
  });
});
