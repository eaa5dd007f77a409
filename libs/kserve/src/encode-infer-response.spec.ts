import type { Tensor } from '@flotilla/contracts';
import { encodeInferResponse, type InferResponse } from './encode-infer-response';
import type { InferRequest, RequestedOutput } from './infer-request';
import { bytesElements, bytesOf } from './testing/request-body';

const out0: Tensor = { name: 'OUTPUT0', datatype: 'INT32', shape: [1, 3], data: bytesOf(new Int32Array([1, -2, 3])) };
const out1: Tensor = { name: 'OUTPUT1', datatype: 'BYTES', shape: [2], data: bytesElements('a', 'bc') };
const response: InferResponse = { id: '42', modelName: 'simple', modelVersion: '1', outputs: [out0, out1] };

const request = (outputs: RequestedOutput[] = [], binaryDataOutput = false): Pick<InferRequest, 'outputs' | 'binaryDataOutput'> => ({
  outputs,
  binaryDataOutput,
});

/** Splits an encoded response the way a client would: JSON header, then binary parts. */
function parse(encoded: ReturnType<typeof encodeInferResponse>) {
  const body = Buffer.concat(encoded.body);
  const headerLength = Number(encoded.headers['Inference-Header-Content-Length'] ?? body.byteLength);
  return { json: JSON.parse(body.toString('utf8', 0, headerLength)), binary: body.subarray(headerLength) };
}

describe('encodeInferResponse', () => {
  it('writes an all-JSON response in Triton field order', () => {
    const encoded = encodeInferResponse(response, request());
    expect(encoded.headers).toEqual({ 'Content-Type': 'application/json' });
    expect(encoded.body).toHaveLength(1);
    expect(encoded.body[0].toString()).toBe(
      '{"id":"42","model_name":"simple","model_version":"1","outputs":[' +
        '{"name":"OUTPUT0","datatype":"INT32","shape":[1,3],"data":[1,-2,3]},' +
        '{"name":"OUTPUT1","datatype":"BYTES","shape":[2],"data":["a","bc"]}]}',
    );
  });

  it('omits an empty or absent id and keeps model_version a string', () => {
    expect(parse(encodeInferResponse({ ...response, id: '' }, request())).json).not.toHaveProperty('id');
    const { id: _id, ...withoutId } = response;
    expect(parse(encodeInferResponse(withoutId, request())).json).not.toHaveProperty('id');
    expect(parse(encodeInferResponse({ ...response, modelVersion: 7 as unknown as string }, request())).json.model_version).toBe('7');
  });

  it('includes response parameters only when there are some', () => {
    expect(parse(encodeInferResponse({ ...response, parameters: {} }, request())).json).not.toHaveProperty('parameters');
    expect(parse(encodeInferResponse({ ...response, parameters: { sequence_id: 3 } }, request())).json.parameters).toEqual({ sequence_id: 3 });
  });

  it('returns only the requested outputs, in the order requested', () => {
    const { json } = parse(encodeInferResponse(response, request([{ name: 'OUTPUT1', parameters: {} }])));
    expect(json.outputs.map((output: { name: string }) => output.name)).toEqual(['OUTPUT1']);
  });

  it('sends every output binary for binary_data_output, after the JSON and without copying', () => {
    const encoded = encodeInferResponse(response, request([], true));
    expect(encoded.headers['Content-Type']).toBe('application/octet-stream');
    expect(Number(encoded.headers['Inference-Header-Content-Length'])).toBe(encoded.body[0].byteLength);
    expect(encoded.body).toHaveLength(3);
    expect(encoded.body[1].buffer).toBe(out0.data.buffer);
    const { json, binary } = parse(encoded);
    expect(json.outputs).toEqual([
      { name: 'OUTPUT0', datatype: 'INT32', shape: [1, 3], parameters: { binary_data_size: 12 } },
      { name: 'OUTPUT1', datatype: 'BYTES', shape: [2], parameters: { binary_data_size: out1.data.byteLength } },
    ]);
    expect(binary.toString('hex')).toBe(Buffer.concat([out0.data, out1.data]).toString('hex'));
  });

  it('lets each output’s binary_data override the request-level setting', () => {
    const mixed = parse(
      encodeInferResponse(
        response,
        request(
          [
            { name: 'OUTPUT0', binary: false, parameters: {} },
            { name: 'OUTPUT1', parameters: {} },
          ],
          true,
        ),
      ),
    );
    expect(mixed.json.outputs[0].data).toEqual([1, -2, 3]);
    expect(mixed.json.outputs[1].parameters).toEqual({ binary_data_size: out1.data.byteLength });

    const onlyOne = encodeInferResponse(response, request([{ name: 'OUTPUT0', binary: true, parameters: {} }, { name: 'OUTPUT1', parameters: {} }], false));
    expect(onlyOne.headers['Content-Type']).toBe('application/octet-stream');
    const { json } = parse(onlyOne);
    expect(json.outputs[0].parameters).toEqual({ binary_data_size: 12 });
    expect(json.outputs[1].data).toEqual(['a', 'bc']);
  });

  it('fails as INTERNAL when a requested output was not produced or has the wrong size', () => {
    expect(() => encodeInferResponse(response, request([{ name: 'NOPE', parameters: {} }]))).toThrow(expect.objectContaining({ code: 'INTERNAL' }));
    const broken = { ...response, outputs: [{ ...out0, data: new Uint8Array(5) }] };
    expect(() => encodeInferResponse(broken, request([], true))).toThrow(expect.objectContaining({ code: 'INTERNAL' }));
  });

  it('escapes names so the header stays valid JSON', () => {
    const odd = { ...response, modelName: 'a"b\\c', outputs: [{ ...out0, name: 'x"y' }] };
    expect(parse(encodeInferResponse(odd, request())).json.outputs[0].name).toBe('x"y');
  });
});
