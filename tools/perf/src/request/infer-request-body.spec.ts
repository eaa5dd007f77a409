import { decodeInferRequest, parseInferenceHeaderLength } from '@flotilla/kserve';
import { buildInferRequestBody, HEADER_LENGTH_HEADER } from './infer-request-body';
import type { ModelMetadata } from './model-metadata';
import { parseModelMetadata } from './model-metadata';

const simple: ModelMetadata = {
  name: 'simple',
  versions: ['1'],
  inputs: [
    { name: 'INPUT0', datatype: 'FP32', shape: [-1, 16] },
    { name: 'INPUT1', datatype: 'FP32', shape: [-1, 16] },
  ],
  outputs: [{ name: 'OUTPUT0', datatype: 'FP32', shape: [-1, 16] }],
};

describe('buildInferRequestBody', () => {
  it('builds a JSON request with every input as a data array', () => {
    const request = buildInferRequestBody(simple, { protocol: 'json' });
    expect(request.headers).toEqual({ 'Content-Type': 'application/json' });
    const body = JSON.parse(request.body.toString());
    expect(body.parameters).toBeUndefined();
    expect(body.inputs.map((i: { name: string; shape: number[]; datatype: string; data: number[] }) => [i.name, i.shape, i.datatype, i.data.length])).toEqual([
      ['INPUT0', [1, 16], 'FP32', 16],
      ['INPUT1', [1, 16], 'FP32', 16],
    ]);
    expect(request.tensorBytes).toBe(128);
    expect(request.shapes).toEqual({ INPUT0: [1, 16], INPUT1: [1, 16] });
  });

  it('builds a binary request: JSON header, then each input’s bytes, binary outputs asked for', () => {
    const request = buildInferRequestBody(simple, { protocol: 'binary' });
    const headerLength = Number(request.headers[HEADER_LENGTH_HEADER]);
    expect(request.headers['Content-Type']).toBe('application/octet-stream');
    expect(request.body.byteLength).toBe(headerLength + 128);
    const header = JSON.parse(request.body.subarray(0, headerLength).toString());
    expect(header.parameters).toEqual({ binary_data_output: true });
    expect(header.inputs[0]).toEqual({ name: 'INPUT0', shape: [1, 16], datatype: 'FP32', parameters: { binary_data_size: 64 } });
    expect(header.inputs[0].data).toBeUndefined();
  });

  it('makes requests the KServe decoder reads back to the same tensors in both protocols', () => {
    const json = buildInferRequestBody(simple, { protocol: 'json', seed: 5 });
    const binary = buildInferRequestBody(simple, { protocol: 'binary', seed: 5 });
    const fromJson = decodeInferRequest(json.body, undefined);
    const fromBinary = decodeInferRequest(binary.body, parseInferenceHeaderLength(binary.headers[HEADER_LENGTH_HEADER]));
    expect(fromBinary.binaryDataOutput).toBe(true);
    expect(fromJson.binaryDataOutput).toBe(false);
    for (const index of [0, 1]) {
      expect(Buffer.from(fromBinary.inputs[index].data)).toEqual(Buffer.from(fromJson.inputs[index].data));
      expect(fromBinary.inputs[index].shape).toEqual([1, 16]);
    }
  });

  it('sizes identity inputs with --input-bytes and adds extra request parameters', () => {
    const identity = parseModelMetadata({ name: 'identity_fp32', inputs: [{ name: 'INPUT0', datatype: 'FP32', shape: [-1, -1] }], outputs: [] });
    const request = buildInferRequestBody(identity, { protocol: 'binary', inputBytes: 1 << 20, inputData: 'zero', parameters: { flotilla_execution_info: true } });
    expect(request.tensorBytes).toBe(1 << 20);
    expect(request.shapes).toEqual({ INPUT0: [1, 262144] });
    const header = JSON.parse(request.body.subarray(0, Number(request.headers[HEADER_LENGTH_HEADER])).toString());
    expect(header.parameters).toEqual({ binary_data_output: true, flotilla_execution_info: true });
  });
});

describe('parseModelMetadata', () => {
  it('refuses metadata without usable inputs', () => {
    expect(() => parseModelMetadata({ name: 'm' })).toThrow(/inputs/);
    expect(() => parseModelMetadata({ name: 'm', inputs: [{ name: 'X', datatype: 'FLOAT', shape: [1] }] })).toThrow(/datatype/);
    expect(() => parseModelMetadata({ name: 'm', inputs: [{ name: 'X', datatype: 'FP32', shape: ['a'] }] })).toThrow(/shape/);
  });
});
