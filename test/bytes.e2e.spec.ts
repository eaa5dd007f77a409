// BYTES are bytes (issue 13 item 7): any byte sequence in a BYTES element — not UTF-8, a lone
// byte-order mark, NUL, empty — comes back unchanged through an identity model, on the ONNX
// backend (identity_bytes, an ONNX string tensor) and the javascript one, in the binary tensor
// data extension and over gRPC. JSON carries what JSON can (text); an element it cannot carry is
// a clear error saying how to get it, never a silently altered answer.
import fc from 'fast-check';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { http, postJson, startFlotilla, type TestFlotilla } from './support/flotilla';
import { closeClient, createGrpcClient, unaryCall, type GrpcClient, type InferResponseObject } from './support/grpc';
import { testRepository } from './support/repository';

let flotilla: TestFlotilla;
let grpc: GrpcClient;

beforeAll(async () => {
  const repository = testRepository({
    'echo_bytes/config.pbtxt': `name: "echo_bytes"
backend: "javascript"
max_batch_size: 8
input [ { name: "INPUT0", data_type: TYPE_STRING, dims: [ -1 ] } ]
output [ { name: "OUTPUT0", data_type: TYPE_STRING, dims: [ -1 ] } ]
`,
  });
  // The javascript backend hands each element over as a Uint8Array of exactly its bytes.
  mkdirSync(join(repository, 'echo_bytes', '1'));
  writeFileSync(
    join(repository, 'echo_bytes', '1', 'model.js'),
    `exports.execute = async (inputs) => {
  if (!inputs.INPUT0.data.every((element) => element instanceof Uint8Array)) throw new Error('BYTES elements must arrive as Uint8Arrays');
  return { OUTPUT0: { datatype: 'BYTES', shape: inputs.INPUT0.shape, data: inputs.INPUT0.data.map((element) => Uint8Array.from(element)) } };
};
`,
  );
  flotilla = await startFlotilla({ name: 'bytes', modelRepository: repository });
  grpc = createGrpcClient(flotilla.grpcAddress);
});

afterAll(async () => {
  closeClient(grpc);
  await flotilla?.stop();
});

const MODELS = ['identity_bytes', 'echo_bytes'] as const;

/** Elements nobody's text decoder would leave alone. */
const AWKWARD = [
  Buffer.from([0xff, 0xfe, 0x00, 0x80]),
  Buffer.from([0xef, 0xbb, 0xbf]), // a byte-order mark, alone
  Buffer.from([0xed, 0xa0, 0x80]), // a UTF-8 encoded surrogate
  Buffer.from([0xc0, 0xaf]), // an overlong '/'
  Buffer.from([0xf4, 0x8f, 0xbf, 0xbf]), // U+10FFFF, the top of the escape range
  Buffer.from('plain text, ünïcödé, 😀'),
  Buffer.alloc(0),
  Buffer.from([0x00]),
];

function framed(elements: readonly Buffer[]): Buffer {
  return Buffer.concat(elements.flatMap((element) => [Buffer.from(Uint32Array.of(element.byteLength).buffer), element]));
}

function unframed(data: Buffer): Buffer[] {
  const elements: Buffer[] = [];
  for (let offset = 0; offset < data.byteLength; ) {
    const length = data.readUInt32LE(offset);
    elements.push(data.subarray(offset + 4, offset + 4 + length));
    offset += 4 + length;
  }
  return elements;
}

/** Through the binary tensor data extension, asking for the output in binary too. */
async function viaBinaryHttp(model: string, elements: readonly Buffer[]): Promise<Buffer[]> {
  const data = framed(elements);
  const header = Buffer.from(
    JSON.stringify({
      inputs: [{ name: 'INPUT0', shape: [1, elements.length], datatype: 'BYTES', parameters: { binary_data_size: data.byteLength } }],
      outputs: [{ name: 'OUTPUT0', parameters: { binary_data: true } }],
    }),
  );
  const reply = await http(`${flotilla.url}/v2/models/${model}/infer`, {
    method: 'POST',
    headers: { 'Inference-Header-Content-Length': String(header.byteLength) },
    body: Buffer.concat([header, data]),
  });
  const headerLength = Number(reply.headers.get('inference-header-content-length'));
  expect([reply.status, headerLength > 0]).toEqual([200, true]);
  const json = JSON.parse(reply.body.subarray(0, headerLength).toString()) as { outputs: { shape: number[]; datatype: string }[] };
  expect(json.outputs[0]).toMatchObject({ shape: [1, elements.length], datatype: 'BYTES' });
  return unframed(reply.body.subarray(headerLength));
}

/** Through gRPC, typed contents (bytes_contents) in, raw contents out. */
async function viaGrpc(model: string, elements: readonly Buffer[]): Promise<Buffer[]> {
  const response = await unaryCall<InferResponseObject>(grpc, 'ModelInfer', {
    model_name: model,
    inputs: [{ name: 'INPUT0', datatype: 'BYTES', shape: [1, elements.length], contents: { bytes_contents: elements } }],
  });
  return unframed(Buffer.from(response.raw_output_contents[0]));
}

describe.each(MODELS)('%s', (model) => {
  it('returns bytes that are not text unchanged, over HTTP binary and gRPC', async () => {
    expect(await viaBinaryHttp(model, AWKWARD)).toEqual(AWKWARD);
    expect(await viaGrpc(model, AWKWARD)).toEqual(AWKWARD);
  });

  it('returns any byte strings unchanged (property, over HTTP binary)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.uint8Array({ maxLength: 24 }), { minLength: 1, maxLength: 6 }), async (arrays) => {
        const elements = arrays.map((array) => Buffer.from(array));
        expect(await viaBinaryHttp(model, elements)).toEqual(elements);
      }),
      { numRuns: 40 },
    );
  });

  it('carries text through JSON both ways, and refuses to put bytes that are not text into a JSON answer', async () => {
    const text = ['\ufeffbom', 'ünïcödé 😀', '', 'nul\0inside'];
    const answer = await postJson(`${flotilla.url}/v2/models/${model}/infer`, { inputs: [{ name: 'INPUT0', shape: [1, text.length], datatype: 'BYTES', data: text }] });
    expect(answer.status).toBe(200);
    expect(answer.json<{ outputs: { data: string[] }[] }>().outputs[0].data).toEqual(text);

    const data = framed([Buffer.from('ok'), Buffer.from([0xff])]);
    const header = Buffer.from(JSON.stringify({ inputs: [{ name: 'INPUT0', shape: [1, 2], datatype: 'BYTES', parameters: { binary_data_size: data.byteLength } }] }));
    const refused = await http(`${flotilla.url}/v2/models/${model}/infer`, {
      method: 'POST',
      headers: { 'Inference-Header-Content-Length': String(header.byteLength) },
      body: Buffer.concat([header, data]),
    });
    expect(refused.status).toBe(400);
    expect(refused.json<{ error: string }>().error).toMatch(/^output 'OUTPUT0': BYTES element 1 is not valid UTF-8, which a JSON response cannot carry; ask for this output in binary form/);
  });
});

it('refuses a JSON request body that is not UTF-8, instead of altering its strings', async () => {
  const body = Buffer.concat([Buffer.from('{"inputs":[{"name":"INPUT0","shape":[1,1],"datatype":"BYTES","data":["'), Buffer.from([0xff]), Buffer.from('"]}]}')]);
  const reply = await http(`${flotilla.url}/v2/models/identity_bytes/infer`, { method: 'POST', body, headers: { 'Content-Type': 'application/json' } });
  expect(reply.status).toBe(400);
  expect(reply.json<{ error: string }>().error).toMatch(/not valid UTF-8/);
});
