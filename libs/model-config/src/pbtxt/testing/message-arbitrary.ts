/**
 * Test support: fast-check arbitraries for any message a schema describes, with every non-message
 * field present (as parsing fills defaults), optional messages sometimes absent and at most one
 * member of each oneof set. Used by the round-trip property tests, not by the library.
 */
import fc from 'fast-check';
import type { FieldSchema, MapKeyType, MessageSchema, PlainFieldSchema, ValueSchema } from '../schema';

type Message = Record<string, unknown>;

export function messageArbitrary(schema: MessageSchema): fc.Arbitrary<Message> {
  const plain: Record<string, fc.Arbitrary<unknown>> = {};
  const optional: string[] = [];
  const oneofs = new Map<string, [string, PlainFieldSchema][]>();
  for (const [name, field] of Object.entries(schema.fields)) {
    if (field.kind !== 'map' && field.oneof !== undefined) {
      oneofs.set(field.oneof, [...(oneofs.get(field.oneof) ?? []), [name, field]]);
      continue;
    }
    plain[name] = fieldArbitrary(field);
    if (field.kind === 'message' && !field.repeated) optional.push(name);
  }
  const required = Object.keys(plain).filter((name) => !optional.includes(name));
  const oneofArbitraries = [...oneofs.values()].map((members) =>
    fc.option(fc.oneof(...members.map(([name, field]) => valueArbitrary(field).map((value) => ({ [name]: value })))), { nil: {} }),
  );
  return fc
    .tuple(fc.record(plain, { requiredKeys: required }), ...oneofArbitraries)
    .map(([fields, ...chosen]) => Object.assign({}, fields, ...chosen) as Message);
}

function fieldArbitrary(field: FieldSchema): fc.Arbitrary<unknown> {
  if (field.kind === 'map') {
    return fc.dictionary(mapKeyArbitrary(field.key), valueArbitrary(field.value), { maxKeys: 3, noNullPrototype: true });
  }
  return field.repeated ? fc.array(valueArbitrary(field), { maxLength: 3 }) : valueArbitrary(field);
}

function valueArbitrary(value: ValueSchema): fc.Arbitrary<unknown> {
  if (value.kind === 'message') return messageArbitrary(value.message);
  if (value.kind === 'enum') return fc.constantFrom(...value.enum.values);
  switch (value.type) {
    case 'string':
      return fc.string({ unit: 'binary', maxLength: 8 });
    case 'bool':
      return fc.boolean();
    case 'int32':
      return fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
    case 'uint32':
      return fc.integer({ min: 0, max: 2 ** 32 - 1 });
    case 'int64':
      return fc.maxSafeInteger();
    case 'uint64':
      return fc.maxSafeNat();
    case 'float':
    case 'double':
      return fc.double();
  }
}

function mapKeyArbitrary(type: MapKeyType): fc.Arbitrary<string> {
  if (type === 'string') return fc.string({ unit: 'binary', maxLength: 6 });
  if (type === 'bool') return fc.constantFrom('true', 'false');
  return (valueArbitrary({ kind: 'scalar', type }) as fc.Arbitrary<number>).map(String);
}
