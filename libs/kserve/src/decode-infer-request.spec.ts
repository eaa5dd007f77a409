import { FlotillaError } from '@flotilla/contracts';
import { decodeInferRequest } from './decode-infer-request';
import { bytesElements, bytesOf, jsonBody } from './testing/request-body';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

function expectInvalid(run: () => unknown, message: string | RegExp, code = 'INVALID_ARG') {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(FlotillaError);
  expect((caught as FlotillaError).code).toBe(code);
  expect((caught as FlotillaError).message).toMatch(message);
}

/** JSON header followed by binary parts, with the header length a client would send. */
function binaryBody(header: unknown, ...parts: Uint8Array[]) {
  const json = jsonBody(header);
  return { body: Buffer.concat([json, ...parts]), headerLength: json.byteLength };
}

describe('decodeInferRequest: JSON body', () => {
  it('decodes the spec example', () => {
    const request = decodeInferRequest(
      jsonBody({
        id: '42',
        parameters: { priority: 1 },
        inputs: [{ name: 'INPUT0', shape: [1, 16], datatype: 'INT32', data: Array.from({ length: 16 }, (_, i) => i + 1) }],
        outputs: [{ name: 'OUTPUT0' }],
      }),
      undefined,
    );
    expect(request.id).toBe('42');
    expect(request.parameters).toEqual({ priority: 1 });
    expect(request.binaryDataOutput).toBe(false);
    expect(request.outputs).toEqual([{ name: 'OUTPUT0', parameters: {} }]);
    expect(request.inputs).toHaveLength(1);
    const [input] = request.inputs;
    expect(input).toMatchObject({ name: 'INPUT0', datatype: 'INT32', shape: [1, 16] });
    expect(hex(input.data)).toBe(hex(bytesOf(new Int32Array(Array.from({ length: 16 }, (_, i) => i + 1)))));
  });

  it('has no id when the request has none', () => {
    const request = decodeInferRequest(jsonBody({ inputs: [] }), undefined);
    expect('id' in request).toBe(false);
    expect(request.outputs).toEqual([]);
  });

  it('accepts nested and flat data alike', () => {
    const decode = (data: unknown) =>
      decodeInferRequest(jsonBody({ inputs: [{ name: 'X', shape: [2, 2], datatype: 'FP32', data }] }), undefined).inputs[0].data;
    expect(hex(decode([[1, 2], [3, 4]]))).toBe(hex(decode([1, 2, 3, 4])));
  });

  it('reads binary_data_output and per-output binary_data', () => {
    const request = decodeInferRequest(
      jsonBody({
        parameters: { binary_data_output: true },
        inputs: [],
        outputs: [{ name: 'A', parameters: { binary_data: false } }, { name: 'B' }],
      }),
      undefined,
    );
    expect(request.binaryDataOutput).toBe(true);
    expect(request.outputs).toEqual([
      { name: 'A', binary: false, parameters: { binary_data: false } },
      { name: 'B', parameters: {} },
    ]);
  });

  it.each<[string, string | Buffer, string | RegExp]>([
    ['malformed JSON', '{"inputs": [', /^failed to parse the request JSON buffer: /],
    ['an empty body', '', /^failed to parse the request JSON buffer: /],
    ['a non-object body', '[1]', /failed to parse the request JSON buffer: the request must be a JSON object/],
    [
      'a body that is not UTF-8',
      Buffer.concat([Buffer.from('{"inputs":[{"name":"S","shape":[1],"datatype":"BYTES","data":["'), Buffer.from([0xff]), Buffer.from('"]}]}')]),
      /^failed to parse the request JSON buffer: it is not valid UTF-8 \(send BYTES elements that are not text in binary form/,
    ],
    ['missing inputs', '{}', "the request has no 'inputs' array"],
    ['inputs not an array', '{"inputs":{}}', "the request has no 'inputs' array"],
    ['an input that is not an object', '{"inputs":[3]}', 'input 0 of the request must be a JSON object, got 3'],
    ['an input without a name', '{"inputs":[{"shape":[1],"datatype":"FP32","data":[1]}]}', "input 0 of the request has no 'name' string"],
    ['an unknown datatype', '{"inputs":[{"name":"X","shape":[1],"datatype":"FP8","data":[1]}]}', `input 'X' has an invalid datatype: "FP8"`],
    ['a missing shape', '{"inputs":[{"name":"X","datatype":"FP32","data":[1]}]}', "input 'X' is missing a 'shape' array"],
    ['a negative dimension', '{"inputs":[{"name":"X","shape":[-1,2],"datatype":"FP32","data":[1]}]}', "input 'X' has an invalid shape [-1,2]: dimensions must be non-negative integers"],
    ['a fractional dimension', '{"inputs":[{"name":"X","shape":[1.5],"datatype":"FP32","data":[1]}]}', /invalid shape \[1.5\]/],
    ['a huge shape', '{"inputs":[{"name":"X","shape":[1e9,1e9,1e9],"datatype":"FP32","data":[1]}]}', /holds too many elements/],
    ['an element count mismatch', '{"inputs":[{"name":"INPUT0","shape":[2,2],"datatype":"INT32","data":[1,2,3]}]}', "unexpected number of elements for input 'INPUT0': expected 4, got 3"],
    ['an input without data', '{"inputs":[{"name":"X","shape":[1],"datatype":"FP32"}]}', "input 'X' has neither 'data' nor a binary_data_size parameter"],
    ['a duplicate input', '{"inputs":[{"name":"X","shape":[1],"datatype":"FP32","data":[1]},{"name":"X","shape":[1],"datatype":"FP32","data":[1]}]}', "input 'X' already exists in request"],
    ['a duplicate output', '{"inputs":[],"outputs":[{"name":"OUTPUT0"},{"name":"OUTPUT0"}]}', "output 'OUTPUT0' already exists in request"],
    ['outputs not an array', '{"inputs":[],"outputs":"OUTPUT0"}', `'outputs' of the request must be an array, got "OUTPUT0"`],
    ['an output without a name', '{"inputs":[],"outputs":[{}]}', "output 0 of the request has no 'name' string"],
    ['a non-boolean binary_data', '{"inputs":[],"outputs":[{"name":"Y","parameters":{"binary_data":1}}]}', "parameter 'binary_data' of output 'Y' must be a boolean"],
    ['a non-boolean binary_data_output', '{"inputs":[],"parameters":{"binary_data_output":"yes"}}', "parameter 'binary_data_output' of the request must be a boolean"],
    ['a nested parameter', '{"inputs":[],"parameters":{"p":{"q":1}}}', "parameter 'p' of the request must be a string, number or boolean"],
    ['parameters that are not an object', '{"inputs":[],"parameters":[1]}', "'parameters' of the request must be a JSON object"],
    ['a non-string id', '{"id":7,"inputs":[]}', "'id' of the request must be a string, got number"],
  ])('rejects %s', (_case, body, message) => {
    expectInvalid(() => decodeInferRequest(Buffer.from(body), undefined), message);
  });

  it('prefixes validation errors with the request id, as Triton does', () => {
    const body = jsonBody({ id: 'abc', inputs: [{ name: 'INPUT0', shape: [2], datatype: 'INT32', data: [1] }] });
    expectInvalid(() => decodeInferRequest(body, undefined), "[request id: abc] unexpected number of elements for input 'INPUT0': expected 2, got 1");
  });

  it('refuses shared memory and classification as UNSUPPORTED', () => {
    const withInputParam = jsonBody({ inputs: [{ name: 'X', shape: [1], datatype: 'FP32', parameters: { shared_memory_region: 'r' } }] });
    expectInvalid(() => decodeInferRequest(withInputParam, undefined), /shared memory/, 'UNSUPPORTED');
    const withClassification = jsonBody({ inputs: [], outputs: [{ name: 'Y', parameters: { classification: 3 } }] });
    expectInvalid(() => decodeInferRequest(withClassification, undefined), /classification/, 'UNSUPPORTED');
  });

  it('survives JSON nested a million levels deep', () => {
    const deep = Buffer.from(`{"inputs":[{"name":"X","shape":[1],"datatype":"FP32","data":${'['.repeat(1e6)}${']'.repeat(1e6)}}]}`);
    expectInvalid(() => decodeInferRequest(deep, undefined), /nested more than 64 levels deep/);
    const deepParameter = Buffer.from(`{"inputs":[],"parameters":{"p":${'['.repeat(1e6)}${']'.repeat(1e6)}}}`);
    expectInvalid(() => decodeInferRequest(deepParameter, undefined), /parameter 'p'/);
  });
});

describe('decodeInferRequest: binary tensor data', () => {
  const input0 = bytesOf(new Uint32Array([1, 2, 3, 4]));
  const input1 = new Uint8Array([1, 0, 1]);
  const header = {
    inputs: [
      { name: 'input0', shape: [2, 2], datatype: 'UINT32', parameters: { binary_data_size: 16 } },
      { name: 'input1', shape: [3], datatype: 'BOOL', parameters: { binary_data_size: 3 } },
    ],
    outputs: [{ name: 'output0', parameters: { binary_data: true } }],
  };

  it('splits the body at the header length and takes inputs in order, without copying', () => {
    const { body, headerLength } = binaryBody(header, input0, input1);
    const request = decodeInferRequest(body, headerLength);
    expect(hex(request.inputs[0].data)).toBe(hex(input0));
    expect(hex(request.inputs[1].data)).toBe(hex(input1));
    expect(request.inputs[0].data.buffer).toBe(body.buffer);
    expect(request.inputs[1].data.byteOffset).toBe(body.byteOffset + headerLength + 16);
    expect(request.outputs[0].binary).toBe(true);
  });

  it('mixes binary and JSON inputs', () => {
    const { body, headerLength } = binaryBody(
      { inputs: [{ name: 'a', shape: [1], datatype: 'INT8', data: [5] }, { name: 'b', shape: [1], datatype: 'INT8', parameters: { binary_data_size: 1 } }] },
      new Uint8Array([7]),
    );
    const request = decodeInferRequest(body, headerLength);
    expect(request.inputs.map((input) => input.data[0])).toEqual([5, 7]);
  });

  it('takes BYTES inputs with valid framing', () => {
    const strings = bytesElements('hi', 'there');
    const { body, headerLength } = binaryBody({ inputs: [{ name: 's', shape: [2], datatype: 'BYTES', parameters: { binary_data_size: strings.byteLength } }] }, strings);
    expect(hex(decodeInferRequest(body, headerLength).inputs[0].data)).toBe(hex(strings));
  });

  it.each<[string, unknown, Uint8Array[], string | RegExp]>([
    ['leftover bytes', header, [input0, input1, new Uint8Array(1)], "the request has 20 bytes of binary data after the JSON header, but the inputs' binary_data_size parameters add up to 19"],
    ['missing bytes', header, [input0], "binary_data_size of input 'input1' is 3 bytes, but only 0 bytes of binary data remain in the request body"],
    [
      'a size that contradicts the shape',
      { inputs: [{ name: 'x', shape: [2], datatype: 'FP32', parameters: { binary_data_size: 4 } }] },
      [new Uint8Array(4)],
      "unexpected total byte size 4 for input 'x', expecting 8",
    ],
    [
      'a bad binary_data_size',
      { inputs: [{ name: 'x', shape: [1], datatype: 'FP32', parameters: { binary_data_size: -4 } }] },
      [],
      "parameter 'binary_data_size' of input 'x' must be a non-negative integer",
    ],
    [
      'both data and binary_data_size',
      { inputs: [{ name: 'x', shape: [1], datatype: 'INT8', data: [1], parameters: { binary_data_size: 1 } }] },
      [new Uint8Array(1)],
      "input 'x' has both 'data' and a binary_data_size parameter",
    ],
    [
      'broken BYTES framing',
      { inputs: [{ name: 's', shape: [1], datatype: 'BYTES', parameters: { binary_data_size: 5 } }] },
      [new Uint8Array([9, 0, 0, 0, 65])],
      "binary data of BYTES input 's' is not a sequence of 4-byte length-prefixed elements",
    ],
    [
      'the wrong number of BYTES elements',
      { inputs: [{ name: 's', shape: [3], datatype: 'BYTES', parameters: { binary_data_size: 9 } }] },
      [bytesElements('a', '')],
      "unexpected number of elements for input 's': expected 3, got 2",
    ],
  ])('rejects %s', (_case, json, parts, message) => {
    const { body, headerLength } = binaryBody(json, ...parts);
    expectInvalid(() => decodeInferRequest(body, headerLength), message);
  });

  it('rejects binary_data_size in an all-JSON body', () => {
    expectInvalid(() => decodeInferRequest(jsonBody(header), undefined), /binary_data_size of input 'input0' is 16 bytes, but only 0 bytes/);
  });

  it.each([-1, 1.5, 1000, NaN])('rejects header length %d as out of range', (headerLength) => {
    const body = jsonBody({ inputs: [] });
    expectInvalid(() => decodeInferRequest(body, headerLength), `inference header size should be in range (0, ${body.byteLength}), got: ${headerLength}`);
  });
});

describe('decodeInferRequest: raw binary request', () => {
  const raw = (body: Uint8Array, rawInput: Parameters<typeof decodeInferRequest>[2]) => decodeInferRequest(Buffer.from(body), 0, rawInput);

  it('makes the whole body the one input, with all outputs binary', () => {
    const body = Buffer.from(bytesOf(new Float32Array([1, 2, 3, 4])));
    const request = decodeInferRequest(body, 0, { rawInput: { name: 'INPUT0', datatype: 'FP32', shape: [4] } });
    expect(request).toEqual({ parameters: {}, inputs: [{ name: 'INPUT0', datatype: 'FP32', shape: [4], data: body }], outputs: [], binaryDataOutput: true });
    expect(request.inputs[0].data).toBe(body);
  });

  it('deduces the one variable dimension and adds batch 1 for batching models', () => {
    const request = raw(new Uint8Array(24), { rawInput: { name: 'INPUT0', datatype: 'FP32', shape: [-1, 2], batched: true } });
    expect(request.inputs[0].shape).toEqual([1, 3, 2]);
  });

  it('frames a BYTES body as one element', () => {
    const request = raw(Buffer.from('hello'), { rawInput: { name: 'INPUT0', datatype: 'BYTES', shape: [1] } });
    expect(hex(request.inputs[0].data)).toBe(hex(bytesElements('hello')));
    expect(request.inputs[0].shape).toEqual([1]);
  });

  it.each<[string, Parameters<typeof decodeInferRequest>[2], number, string]>([
    ['a model with several inputs', {}, 8, 'Raw binary request requires the model to have exactly one input'],
    ['a model with three inputs', { modelInputCount: 3 }, 8, 'Raw request must only have 1 input (found 1) to be deduced but got 3 inputs in'],
    ['BYTES without shape [1]', { rawInput: { name: 'INPUT0', datatype: 'BYTES', shape: [-1] } }, 8, "For BYTE datatype raw input 'INPUT0', the model must have input shape [1]"],
    [
      'two variable dimensions',
      { rawInput: { name: 'INPUT0', datatype: 'FP16', shape: [-1, -1] } },
      8,
      "The shape of the raw input 'INPUT0' can not be deduced because there are more than one variable-sized dimension",
    ],
    ['a fixed shape of another size', { rawInput: { name: 'INPUT0', datatype: 'FP32', shape: [4] } }, 8, "unexpected total byte size 8 for raw input 'INPUT0', expecting 16"],
    ['a size that does not divide', { rawInput: { name: 'INPUT0', datatype: 'FP32', shape: [-1, 3] } }, 8, "unexpected total byte size 8 for raw input 'INPUT0', expecting a multiple of 12"],
  ])('rejects %s', (_case, opts, size, message) => {
    expectInvalid(() => raw(new Uint8Array(size), opts), message);
  });
});

describe('decodeInferRequest: sequence parameters', () => {
  const request = (parameters: Record<string, unknown>, id?: string) =>
    jsonBody({ ...(id ? { id } : {}), parameters, inputs: [{ name: 'INPUT0', shape: [1], datatype: 'INT32', data: [1] }] });

  it.each([
    ['sequence_id', { sequence_id: 7 }],
    ['sequence_id', { sequence_id: 'session-a' }],
    ['sequence_start', { sequence_start: true }],
    ['sequence_end', { sequence_end: true }],
  ])('refuses %s with a 400 naming it, rather than running the request as if stateless', (name, parameters) => {
    expectInvalid(() => decodeInferRequest(request(parameters), undefined), `parameter '${name}' is not supported: Flotilla has no sequence batcher`);
  });

  it("prefixes the request's id, and lets Triton's 'no sequence' values through", () => {
    expectInvalid(() => decodeInferRequest(request({ sequence_id: 3 }, 'r9'), undefined), /^\[request id: r9\] parameter 'sequence_id'/);
    expect(decodeInferRequest(request({ sequence_id: 0, sequence_start: false, sequence_end: false }), undefined).parameters).toEqual({ sequence_id: 0, sequence_start: false, sequence_end: false });
    expect(decodeInferRequest(request({ sequence_id: '' }), undefined).inputs).toHaveLength(1);
  });
});
