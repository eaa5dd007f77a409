// Whatever arrives, the gateway answers (issue 13 item 8): random byte strings, and random
// mutations of valid JSON and binary inference requests, each get a 2xx or a 4xx/5xx whose body is
// a KServe JSON error — never a dropped connection, an empty body or a hang — and the server still
// answers a good request correctly afterwards.
import fc from 'fast-check';
import { postJson, range, simpleRequest, startFlotilla, type TestFlotilla } from './support/flotilla';
import { testRepository } from './support/repository';

let flotilla: TestFlotilla;

beforeAll(async () => {
  flotilla = await startFlotilla({ name: 'http-fuzz', modelRepository: testRepository() });
});

afterAll(() => flotilla?.stop());

const a = range(16);
const b = range(16, 50);
const validJson = Buffer.from(JSON.stringify(simpleRequest(a, b, { id: 'fuzz', outputs: [{ name: 'OUTPUT0' }] })));

/** A valid binary-extension request for `simple`: JSON header, then both inputs' raw bytes. */
const binaryHeader = Buffer.from(
  JSON.stringify({
    inputs: [
      { name: 'INPUT0', shape: [1, 16], datatype: 'FP32', parameters: { binary_data_size: 64 } },
      { name: 'INPUT1', shape: [1, 16], datatype: 'FP32', parameters: { binary_data_size: 64 } },
    ],
    outputs: [{ name: 'OUTPUT0', parameters: { binary_data: true } }],
  }),
);
const validBinary = Buffer.concat([binaryHeader, Buffer.from(new Float32Array(a).buffer), Buffer.from(new Float32Array(b).buffer)]);

interface Sent {
  readonly path: string;
  readonly body: Buffer;
  readonly headers: Record<string, string>;
}

/** Sends one request and checks the answer has the shape every answer must have. */
async function expectWellFormedAnswer({ path, body, headers }: Sent): Promise<void> {
  const response = await fetch(`${flotilla.url}${path}`, { method: 'POST', body, headers, signal: AbortSignal.timeout(20_000) });
  const text = Buffer.from(await response.arrayBuffer());
  expect(response.status).toBeGreaterThanOrEqual(200);
  expect(response.status).toBeLessThan(600);
  if (response.status >= 300) {
    expect(response.headers.get('content-type')).toBe('application/json');
    const error = (JSON.parse(text.toString()) as { error?: unknown }).error;
    expect(typeof error).toBe('string');
    expect((error as string).length).toBeGreaterThan(0);
  } else if (response.headers.get('inference-header-content-length') === null) {
    expect(() => JSON.parse(text.toString())).not.toThrow();
  }
}

/** Deletes, inserts or overwrites a few bytes of `valid`. */
const mutationOf = (valid: Buffer) =>
  fc
    .array(
      fc.record({
        at: fc.nat({ max: valid.byteLength }),
        deleteCount: fc.nat({ max: 8 }),
        insert: fc.oneof(fc.uint8Array({ maxLength: 6 }), fc.constantFrom(...['"', '{', '}', '[', ']', ',', ':', '-1', '1e999', 'null', '"BYTES"', '\\u0000'].map((s) => Buffer.from(s)))),
      }),
      { minLength: 1, maxLength: 4 },
    )
    .map((mutations) =>
      mutations.reduce((body, { at, deleteCount, insert }) => {
        const position = Math.min(at, body.byteLength);
        return Buffer.concat([body.subarray(0, position), Buffer.from(insert), body.subarray(position + deleteCount)]);
      }, valid),
    );

const model = fc.constantFrom('simple', 'identity_fp32', 'identity_bytes', 'matmul_chain', 'missing');

async function expectStillServing(): Promise<void> {
  const reply = await postJson(`${flotilla.url}/v2/models/simple/infer`, simpleRequest(a, b));
  expect(reply.status).toBe(200);
  expect(reply.json<{ outputs: { name: string; data: number[] }[] }>().outputs.find((o) => o.name === 'OUTPUT0')?.data).toEqual(a.map((x, i) => x + b[i]));
}

describe('the gateway under random input', () => {
  it('answers random byte strings, with or without a binary header length', async () => {
    await fc.assert(
      fc.asyncProperty(model, fc.uint8Array({ maxLength: 512 }), fc.option(fc.integer({ min: -5, max: 600 })), async (name, bytes, headerLength) => {
        const headers: Record<string, string> = headerLength === null ? { 'Content-Type': 'application/json' } : { 'Inference-Header-Content-Length': String(headerLength) };
        await expectWellFormedAnswer({ path: `/v2/models/${name}/infer`, body: Buffer.from(bytes), headers });
      }),
      { numRuns: 150 },
    );
    await expectStillServing();
  }, 120_000);

  it('answers random mutations of a valid JSON request', async () => {
    await fc.assert(
      fc.asyncProperty(mutationOf(validJson), async (body) => {
        await expectWellFormedAnswer({ path: '/v2/models/simple/infer', body, headers: { 'Content-Type': 'application/json' } });
      }),
      { numRuns: 200 },
    );
    await expectStillServing();
  }, 120_000);

  it('answers random mutations of a valid binary request, and of its header length', async () => {
    await fc.assert(
      fc.asyncProperty(mutationOf(validBinary), fc.integer({ min: -3, max: 3 }), async (body, skew) => {
        const headers = { 'Inference-Header-Content-Length': String(binaryHeader.byteLength + skew) };
        await expectWellFormedAnswer({ path: '/v2/models/simple/infer', body, headers });
      }),
      { numRuns: 200 },
    );
    await expectStillServing();
  }, 120_000);
});
