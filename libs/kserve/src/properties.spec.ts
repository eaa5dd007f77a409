import { elementSize, FlotillaError, type Datatype, type Tensor } from '@flotilla/contracts';
import fc from 'fast-check';
import { decodeInferRequest } from './decode-infer-request';
import { encodeInferResponse } from './encode-infer-response';
import { requestBody } from './testing/request-body';

const NUMERIC: Datatype[] = ['BOOL', 'UINT8', 'UINT16', 'UINT32', 'UINT64', 'INT8', 'INT16', 'INT32', 'INT64', 'FP16', 'BF16', 'FP32', 'FP64'];
const FLOATS: ReadonlySet<Datatype> = new Set(['FP16', 'BF16', 'FP32', 'FP64']);

/** Is this element's bit pattern a NaN? JSON carries no NaN payloads, so those cannot round-trip bit for bit. */
function isNanPattern(datatype: Datatype, view: DataView, offset: number): boolean {
  switch (datatype) {
    case 'FP16': return (view.getUint16(offset, true) & 0x7c00) === 0x7c00 && (view.getUint16(offset, true) & 0x3ff) !== 0;
    case 'BF16': return (view.getUint16(offset, true) & 0x7f80) === 0x7f80 && (view.getUint16(offset, true) & 0x7f) !== 0;
    case 'FP32': return Number.isNaN(view.getFloat32(offset, true));
    case 'FP64': return Number.isNaN(view.getFloat64(offset, true));
    default: return false;
  }
}

/** Arbitrary bytes of one datatype, made representable in JSON (BOOL as 0/1, floats without NaN payloads). */
function canonicalForJson(datatype: Datatype, bytes: Uint8Array): Uint8Array {
  const copy = new Uint8Array(bytes);
  const size = elementSize(datatype) ?? 1;
  const view = new DataView(copy.buffer);
  for (let offset = 0; offset < copy.byteLength; offset += size) {
    if (datatype === 'BOOL') copy[offset] &= 1;
    else if (FLOATS.has(datatype) && isNanPattern(datatype, view, offset)) copy.fill(0, offset, offset + size);
  }
  return copy;
}

const tensorArbitrary = (forJson: boolean) =>
  fc
    .record({
      datatype: fc.constantFrom(...NUMERIC),
      shape: fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 }),
      name: fc.string({ minLength: 1, maxLength: 8 }),
    })
    .chain(({ datatype, shape, name }) => {
      const size = (elementSize(datatype) ?? 1) * shape.reduce((count, dim) => count * dim, 1);
      return fc.uint8Array({ minLength: size, maxLength: size }).map(
        (bytes): Tensor => ({ name, datatype, shape, data: forJson || datatype === 'BOOL' ? canonicalForJson(datatype, bytes) : bytes }),
      );
    });

const uniqueTensors = (forJson: boolean) => fc.uniqueArray(tensorArbitrary(forJson), { selector: (tensor) => tensor.name, maxLength: 4 });
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('properties', () => {
  it.each(['json', 'binary'] as const)('decoding a %s request round-trips every tensor’s bytes', (mode) => {
    fc.assert(
      fc.property(uniqueTensors(mode === 'json'), (tensors) => {
        const { body, headerLength } = requestBody(tensors, mode);
        const decoded = decodeInferRequest(body, headerLength).inputs;
        expect(decoded.map(({ name, datatype, shape }) => ({ name, datatype, shape }))).toEqual(
          tensors.map(({ name, datatype, shape }) => ({ name, datatype, shape })),
        );
        expect(decoded.map((tensor) => hex(tensor.data))).toEqual(tensors.map((tensor) => hex(tensor.data)));
      }),
      { numRuns: 300 },
    );
  });

  it('every JSON response is valid JSON with one data value per element', () => {
    fc.assert(
      fc.property(uniqueTensors(false), (tensors) => {
        const encoded = encodeInferResponse({ modelName: 'm', modelVersion: '1', outputs: tensors }, { outputs: [], binaryDataOutput: false });
        const outputs: { data: unknown[] }[] = JSON.parse(Buffer.concat(encoded.body).toString()).outputs;
        expect(outputs.map((output) => output.data.length)).toEqual(tensors.map((tensor) => tensor.shape.reduce((count, dim) => count * dim, 1)));
      }),
      { numRuns: 200 },
    );
  });

  it('arbitrary bodies and header lengths only ever raise FlotillaError', () => {
    const bodies = fc.oneof(
      fc.uint8Array({ maxLength: 256 }).map((bytes) => Buffer.from(bytes)),
      fc.json({ maxDepth: 6 }).map((text) => Buffer.from(text)),
      fc
        .record({
          inputs: fc.array(
            fc.record(
              {
                name: fc.oneof(fc.string({ maxLength: 4 }), fc.integer()),
                shape: fc.oneof(fc.array(fc.integer({ min: -2, max: 5 }), { maxLength: 3 }), fc.anything()),
                datatype: fc.oneof(fc.constantFrom(...NUMERIC, 'BYTES', 'FP8'), fc.anything()),
                data: fc.oneof(fc.array(fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.string(), fc.array(fc.integer())), { maxLength: 20 }), fc.anything()),
                parameters: fc.oneof(fc.record({ binary_data_size: fc.oneof(fc.integer({ min: -2, max: 40 }), fc.anything()) }), fc.anything()),
              },
              { requiredKeys: [] },
            ),
            { maxLength: 3 },
          ),
          outputs: fc.anything(),
          parameters: fc.anything(),
          id: fc.anything(),
        }, { requiredKeys: [] })
        .chain((header) => fc.uint8Array({ maxLength: 64 }).map((tail) => Buffer.concat([Buffer.from(JSON.stringify(header) ?? ''), tail]))),
    );
    const headerLengths = fc.oneof(fc.constant(undefined), fc.nat({ max: 600 }), fc.integer(), fc.double());
    const rawInputs = fc.option(
      fc.record({ name: fc.string(), datatype: fc.constantFrom(...NUMERIC, 'BYTES' as const), shape: fc.array(fc.integer({ min: -1, max: 4 }), { maxLength: 3 }), batched: fc.boolean() }),
      { nil: undefined },
    );
    fc.assert(
      fc.property(bodies, headerLengths, rawInputs, (body, headerLength, rawInput) => {
        try {
          decodeInferRequest(body, headerLength, { rawInput });
        } catch (error) {
          if (!(error instanceof FlotillaError)) throw error;
        }
      }),
      { numRuns: 300 },
    );
  });
});
