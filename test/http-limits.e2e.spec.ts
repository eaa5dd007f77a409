// The gateway's HTTP edge against a real deployment: every limit and every request Node's parser
// refuses answers with a KServe {"error": ...} body and the right status, compressed requests give
// the answers plain ones do, responses are compressed on request, and after each bad request the
// server still answers a good one.
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { deflateSync, gunzipSync, gzipSync, inflateSync } from 'node:zlib';
import { range, simpleRequest, startFlotilla, type TestFlotilla } from './support/flotilla';
import { testRepository } from './support/repository';

/** Small enough that the bomb is quick, large enough for the 4 MiB+ tensors benchmarks send. */
const MAX_BODY = 8 << 20;

let flotilla: TestFlotilla;
let port: number;

beforeAll(async () => {
  flotilla = await startFlotilla({ name: 'http-limits', modelRepository: testRepository({}), gatewayFlags: ['--http-max-body-bytes', String(MAX_BODY)] });
  port = Number(new URL(flotilla.url).port);
});

afterAll(() => flotilla?.stop());

interface Reply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** As received: not inflated. */
  readonly body: Buffer;
}

/** One request over node:http, which (unlike fetch) leaves the response body and headers as sent. */
function send(path: string, options: { method?: string; headers?: Record<string, string>; body?: Buffer | string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method: options.method ?? (options.body === undefined ? 'GET' : 'POST'), headers: options.headers, agent: false });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    // The server answers a body over the limit before reading it, then closes; the answer still comes.
    req.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' ? undefined : reject(error)));
    req.on('close', () => reject(new Error(`connection closed without an answer to ${path.slice(0, 40)}`)));
    req.end(options.body);
  });
}

/**
 * Bytes straight onto a TCP connection; resolves with everything the server wrote before closing.
 * `readLate` leaves the answer unread until the whole request is written (or the write failed),
 * as a loaded client does: the answer survives only if the server never reset the connection.
 */
function sendRaw(data: string | Buffer, { readLate = false } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      if (readLate) socket.pause();
      socket.write(data, () => setTimeout(() => socket.resume(), 50));
    });
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    // The server may close while we are still writing; what it answered first is what counts.
    socket.on('error', (error: NodeJS.ErrnoException) => (chunks.length > 0 || error.code === 'ECONNRESET' || error.code === 'EPIPE' ? undefined : reject(error)));
  });
}

/** Status line and JSON body of a raw response. */
function parseRaw(text: string): { status: number; error: string } {
  expect(text).toMatch(/^HTTP\/1\.1 \d{3} /);
  const [head, body] = [text.slice(0, text.indexOf('\r\n\r\n')), text.slice(text.indexOf('\r\n\r\n') + 4)];
  expect(head).toMatch(/content-type: application\/json/i);
  return { status: Number(text.slice(9, 12)), error: (JSON.parse(body) as { error: string }).error };
}

const errorOf = (reply: Reply) => {
  expect(reply.headers['content-type']).toBe('application/json');
  return (JSON.parse(reply.body.toString()) as { error: string }).error;
};

const a = range(16);
const b = range(16).map((i) => 3 * i - 0.25);
const plainJson = JSON.stringify(simpleRequest(a, b));
const sums = a.map((x, i) => x + b[i]);

/** The outputs of a JSON answer from `simple`, by name. */
const outputs = (body: Buffer) =>
  Object.fromEntries((JSON.parse(body.toString()) as { outputs: { name: string; data: number[] }[] }).outputs.map((o) => [o.name, o.data]));

/** A good inference still gets the right answer: the server survived what came before. */
async function expectStillServing(): Promise<void> {
  const reply = await send('/v2/models/simple/infer', { body: plainJson, headers: { 'Content-Type': 'application/json' } });
  expect(reply.status).toBe(200);
  expect(outputs(reply.body).OUTPUT0).toEqual(sums);
}

describe('HTTP limits answer with KServe errors', () => {
  it('431 for a 64 KiB header, naming the limit', async () => {
    const reply = parseRaw(await sendRaw(`GET /v2/health/live HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(64 * 1024)}\r\n\r\n`));
    expect(reply).toEqual({ status: 431, error: 'request headers exceed the limit of 16384 bytes' });
    await expectStillServing();
  });

  it('431 for 10 000 headers, and for 150 small ones that fit the byte limit', async () => {
    const many = range(10_000).map((i) => `X-H${i}: v\r\n`).join('');
    expect(parseRaw(await sendRaw(`GET /v2/health/live HTTP/1.1\r\nHost: x\r\n${many}\r\n`)).status).toBe(431);
    const headers = Object.fromEntries(range(150).map((i) => [`x-h${i}`, 'v']));
    const reply = await send('/v2/health/live', { headers });
    expect(reply.status).toBe(431);
    expect(errorOf(reply)).toBe('request has more than 100 header fields (the limit)');
    await expectStillServing();
  });

  it('414 for a 10 KiB URL, and a JSON 414 or 431 for a 1 MiB one', async () => {
    // Node reports a request line past its 16 KiB header budget as a header overflow, and shows the
    // gateway only the packet it was reading: when the kernel split the URL so that packet holds no
    // request line (it happens under load), the gateway cannot tell it from long headers and says 431.
    const huge = parseRaw(await sendRaw(`GET /v2/models/${'m'.repeat(1 << 20)} HTTP/1.1\r\nHost: x\r\n\r\n`, { readLate: true }));
    expect([
      { status: 414, error: 'request URL exceeds the limit of 8192 bytes' },
      { status: 431, error: 'request headers exceed the limit of 16384 bytes' },
    ]).toContainEqual(huge);
    const reply = await send(`/v2/models/${'m'.repeat(10 * 1024)}`);
    expect(reply.status).toBe(414);
    expect(errorOf(reply)).toMatch(/^request URL of 10251 bytes exceeds the limit of 8192 bytes$/);
    await expectStillServing();
  });

  it('405 for an unknown method, naming it', async () => {
    expect(parseRaw(await sendRaw('BREW /v2/health/live HTTP/1.1\r\nHost: x\r\n\r\n'))).toEqual({ status: 405, error: "HTTP method 'BREW' is not supported" });
    await expectStillServing();
  });

  it('405 with a JSON body for CONNECT instead of a dropped connection', async () => {
    expect(parseRaw(await sendRaw('CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n'))).toEqual({
      status: 405,
      error: "HTTP method 'CONNECT' is not supported",
    });
    await expectStillServing();
  });

  it('400 for a request that is not HTTP', async () => {
    const reply = parseRaw(await sendRaw('GET /v2/health/live HTTP/9.9\r\nHost: x\r\n\r\n'));
    expect(reply.status).toBe(400);
    expect(reply.error).toMatch(/^malformed HTTP request: /);
    await expectStillServing();
  });

  it('413 for a body over --http-max-body-bytes, declared or chunked', async () => {
    const declared = await send('/v2/models/simple/infer', { body: Buffer.alloc(MAX_BODY + 1) });
    expect(declared.status).toBe(413);
    expect(errorOf(declared)).toBe(`request body of ${MAX_BODY + 1} bytes exceeds the limit of ${MAX_BODY} bytes (--http-max-body-bytes)`);
    const chunked = await new Promise<Reply>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path: '/v2/models/simple/infer', method: 'POST', agent: false });
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      });
      req.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' ? undefined : reject(error)));
      req.on('close', () => reject(new Error('connection closed without an answer')));
      for (let i = 0; i < 9; i++) req.write(Buffer.alloc(1 << 20));
      req.end();
    });
    expect(chunked.status).toBe(413);
    expect(errorOf(chunked)).toBe(`request body exceeds the limit of ${MAX_BODY} bytes (--http-max-body-bytes)`);
    await expectStillServing();
  });

  it('accepts a body just under the limit (a 4 MiB+ tensor)', async () => {
    const values = new Float32Array((4 << 20) / 4 + 16).fill(1.5);
    const header = Buffer.from(JSON.stringify({ inputs: [{ name: 'INPUT0', shape: [1, values.length], datatype: 'FP32', parameters: { binary_data_size: values.byteLength } }], parameters: { binary_data_output: true } }));
    const reply = await send('/v2/models/identity_fp32/infer', { body: Buffer.concat([header, Buffer.from(values.buffer)]), headers: { 'Inference-Header-Content-Length': String(header.byteLength) } });
    expect(reply.status).toBe(200);
    expect(reply.body.byteLength - Number(reply.headers['inference-header-content-length'])).toBe(values.byteLength);
  });
});

describe('compressed requests', () => {
  it.each([
    ['gzip', gzipSync],
    ['deflate', deflateSync],
  ] as const)('%s JSON gives the answer the plain request does', async (encoding, compress) => {
    const reply = await send('/v2/models/simple/infer', { body: compress(plainJson), headers: { 'Content-Type': 'application/json', 'Content-Encoding': encoding } });
    expect(reply.status).toBe(200);
    expect(outputs(reply.body)).toEqual(outputs((await send('/v2/models/simple/infer', { body: plainJson })).body));
  });

  it.each([
    ['gzip', gzipSync],
    ['deflate', deflateSync],
  ] as const)('%s binary: Inference-Header-Content-Length counts the inflated body', async (encoding, compress) => {
    const header = Buffer.from(
      JSON.stringify({
        inputs: [
          { name: 'INPUT0', shape: [1, 16], datatype: 'FP32', parameters: { binary_data_size: 64 } },
          { name: 'INPUT1', shape: [1, 16], datatype: 'FP32', parameters: { binary_data_size: 64 } },
        ],
      }),
    );
    const body = Buffer.concat([header, Buffer.from(new Float32Array(a).buffer), Buffer.from(new Float32Array(b).buffer)]);
    const reply = await send('/v2/models/simple/infer', { body: compress(body), headers: { 'Content-Encoding': encoding, 'Inference-Header-Content-Length': String(header.byteLength) } });
    expect(reply.status).toBe(200);
    expect(outputs(reply.body).OUTPUT0).toEqual(sums);
  });

  it('415 for an encoding it does not speak, naming it', async () => {
    for (const encoding of ['x-unknown', 'br']) {
      const reply = await send('/v2/models/simple/infer', { body: plainJson, headers: { 'Content-Encoding': encoding } });
      expect(reply.status).toBe(415);
      expect(errorOf(reply)).toContain(`'${encoding}'`);
    }
    const identity = await send('/v2/models/simple/infer', { body: plainJson, headers: { 'Content-Encoding': 'identity' } });
    expect(identity.status).toBe(200);
    await expectStillServing();
  });

  it('413 for a 1 MiB gzip bomb that inflates to 1 GiB', async () => {
    const member = gzipSync(Buffer.alloc(64 << 20), { level: 9 });
    const bomb = Buffer.concat(range(16).map(() => member));
    const started = Date.now();
    const reply = await send('/v2/models/simple/infer', { body: bomb, headers: { 'Content-Encoding': 'gzip' } });
    expect(reply.status).toBe(413);
    expect(errorOf(reply)).toBe(`inflated request body exceeds the limit of ${MAX_BODY} bytes (--http-max-body-bytes)`);
    expect(Date.now() - started).toBeLessThan(5000);
    await expectStillServing();
  });

  it('400 for a body that is not what its encoding says', async () => {
    const reply = await send('/v2/models/simple/infer', { body: plainJson, headers: { 'Content-Encoding': 'gzip' } });
    expect(reply.status).toBe(400);
    expect(errorOf(reply)).toMatch(/^request body is not valid gzip data/);
    await expectStillServing();
  });
});

describe('compressed responses', () => {
  it.each([
    ['gzip', gunzipSync],
    ['deflate', inflateSync],
  ] as const)('%s when Accept-Encoding asks, decoding to the same JSON', async (encoding, inflate) => {
    const plain = await send('/v2/models/simple/infer', { body: plainJson });
    const reply = await send('/v2/models/simple/infer', { body: plainJson, headers: { 'Accept-Encoding': encoding } });
    expect(reply.status).toBe(200);
    expect(reply.headers['content-encoding']).toBe(encoding);
    expect(reply.headers.vary).toBe('Accept-Encoding');
    expect(Number(reply.headers['content-length'])).toBe(reply.body.byteLength);
    expect(JSON.parse(inflate(reply.body).toString())).toEqual(JSON.parse(plain.body.toString()));
    expect(plain.headers['content-encoding']).toBeUndefined();
  });

  it('not when q=0 refuses the coding', async () => {
    const reply = await send('/v2/models/simple', { headers: { 'Accept-Encoding': 'gzip;q=0, deflate;q=0' } });
    expect(reply.status).toBe(200);
    expect(reply.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(reply.body.toString())).toMatchObject({ name: 'simple' });
  });

  it('binary responses too: the header length counts the inflated JSON part', async () => {
    const values = new Float32Array(1024).map((_, i) => i / 7);
    const header = Buffer.from(JSON.stringify({ inputs: [{ name: 'INPUT0', shape: [1, 1024], datatype: 'FP32', parameters: { binary_data_size: values.byteLength } }], parameters: { binary_data_output: true } }));
    const reply = await send('/v2/models/identity_fp32/infer', {
      body: gzipSync(Buffer.concat([header, Buffer.from(values.buffer)])),
      headers: { 'Content-Encoding': 'gzip', 'Accept-Encoding': 'gzip', 'Inference-Header-Content-Length': String(header.byteLength) },
    });
    expect(reply.status).toBe(200);
    expect(reply.headers['content-encoding']).toBe('gzip');
    const body = gunzipSync(reply.body);
    const jsonLength = Number(reply.headers['inference-header-content-length']);
    expect(JSON.parse(body.subarray(0, jsonLength).toString())).toMatchObject({ outputs: [{ name: 'OUTPUT0', parameters: { binary_data_size: values.byteLength } }] });
    expect(Buffer.compare(body.subarray(jsonLength), Buffer.from(values.buffer))).toBe(0);
  });
});
