import { FlotillaError } from '@flotilla/contracts';
import { decodeModelInferRequest } from './decode-model-infer-request';
import type { InferInputTensorMessage, InferTensorContentsMessage, ModelInferRequestMessage } from './grpc-messages';

const EMPTY_CONTENTS: InferTensorContentsMessage = {
  bool_contents: [],
  int_contents: [],
  int64_contents: [],
  uint_contents: [],
  uint64_contents: [],
  fp32_contents: [],
  fp64_contents: [],
  bytes_contents: [],
};

function input(name: string, datatype: string, shape: number[], contents: Partial<InferTensorContentsMessage> | null = null, parameters = {}): InferInputTensorMessage {
  return { name, datatype, shape: shape.map(String), parameters, contents: contents ? { ...EMPTY_CONTENTS, ...contents } : null };
}

function request(fields: Partial<ModelInferRequestMessage>): ModelInferRequestMessage {
  return { model_name: 'm', model_version: '', id: '', parameters: {}, inputs: [], outputs: [], raw_input_contents: [], ...fields };
}

function refusal(message: ModelInferRequestMessage): FlotillaError {
  try {
    decodeModelInferRequest(message);
  } catch (error) {
    if (error instanceof FlotillaError) return error;
    throw error;
  }
  throw new Error('the request was accepted');
}

const f32 = (values: number[]) => Buffer.from(new Float32Array(values).buffer);

describe('decodeModelInferRequest', () => {
  it('takes raw_input_contents as each input’s bytes, in input order', () => {
    const decoded = decodeModelInferRequest(
      request({ id: 'r1', inputs: [input('A', 'FP32', [1, 2]), input('B', 'FP32', [2])], raw_input_contents: [f32([1, 2]), f32([3, 4])] }),
    );
    expect(decoded.id).toBe('r1');
    expect(decoded.inputs.map((t) => [t.name, t.datatype, t.shape, [...new Float32Array(Uint8Array.from(t.data).buffer)]])).toEqual([
      ['A', 'FP32', [1, 2], [1, 2]],
      ['B', 'FP32', [2], [3, 4]],
    ]);
    expect(decoded.binaryDataOutput).toBe(false);
  });

  it.each([
    ['BOOL', { bool_contents: [true, false] }, [1, 0]],
    ['INT8', { int_contents: [-128, 127] }, [0x80, 0x7f]],
    ['UINT16', { uint_contents: [1, 65535] }, [1, 0, 0xff, 0xff]],
    ['INT32', { int_contents: [-1, 2] }, [0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0]],
    ['FP64', { fp64_contents: [0.5, -2] }, [...Buffer.from(new Float64Array([0.5, -2]).buffer)]],
  ])('takes typed contents of %s as little-endian bytes', (datatype, contents, bytes) => {
    const decoded = decodeModelInferRequest(request({ inputs: [input('X', datatype, [2], contents)] }));
    expect([...decoded.inputs[0].data]).toEqual(bytes);
  });

  it('keeps all 64 bits of INT64 and UINT64 contents', () => {
    const decoded = decodeModelInferRequest(
      request({ inputs: [input('I', 'INT64', [1], { int64_contents: ['-9223372036854775808'] }), input('U', 'UINT64', [1], { uint64_contents: ['18446744073709551615'] })] }),
    );
    const view = (i: number) => new DataView(decoded.inputs[i].data.buffer, decoded.inputs[i].data.byteOffset, 8);
    expect(view(0).getBigInt64(0, true)).toBe(-(2n ** 63n));
    expect(view(1).getBigUint64(0, true)).toBe(2n ** 64n - 1n);
  });

  it('frames BYTES contents with their 4-byte lengths', () => {
    const decoded = decodeModelInferRequest(request({ inputs: [input('S', 'BYTES', [2], { bytes_contents: [Buffer.from('ab'), Buffer.from('')] })] }));
    expect([...decoded.inputs[0].data]).toEqual([2, 0, 0, 0, 0x61, 0x62, 0, 0, 0, 0]);
  });

  it('refuses contents in the list of another datatype, naming both', () => {
    const error = refusal(request({ inputs: [input('INPUT0', 'FP32', [2], { int_contents: [1, 2] })] }));
    expect(error.code).toBe('INVALID_ARG');
    expect(error.message).toBe("input 'INPUT0' has datatype FP32, whose elements go in contents.fp32_contents, but the request filled contents.int_contents");
  });

  it('refuses typed contents for FP16, which has none', () => {
    expect(refusal(request({ inputs: [input('H', 'FP16', [1], { fp32_contents: [1] })] })).message).toContain('raw_input_contents (FP16 has no typed contents)');
  });

  it('refuses an input with no data at all', () => {
    expect(refusal(request({ inputs: [input('A', 'FP32', [3])] })).message).toBe("input 'A' has no data: its 3 FP32 element(s) belong in contents.fp32_contents or raw_input_contents");
  });

  it('refuses a wrong element count and out-of-range values with HTTP’s texts', () => {
    expect(refusal(request({ inputs: [input('A', 'FP32', [3], { fp32_contents: [1, 2] })] })).message).toBe("unexpected number of elements for input 'A': expected 3, got 2");
    expect(refusal(request({ inputs: [input('A', 'INT8', [1], { int_contents: [300] })] })).message).toBe("element 0 of input 'A' is not a valid INT8 value: 300");
  });

  it('refuses raw contents of the wrong size, naming the input and both sizes', () => {
    const error = refusal(request({ id: '9', inputs: [input('INPUT0', 'FP32', [1, 16])], raw_input_contents: [f32([1, 2, 3])] }));
    expect(error.message).toBe("[request id: 9] unexpected total byte size 12 for input 'INPUT0', expecting 64");
  });

  it('refuses raw contents that do not match the inputs one to one, or mixed with typed contents', () => {
    expect(refusal(request({ inputs: [input('A', 'FP32', [1]), input('B', 'FP32', [1])], raw_input_contents: [f32([1])] })).message).toBe(
      'the request has 1 raw_input_contents for 2 inputs: give one per input, in input order, or none',
    );
    expect(refusal(request({ inputs: [input('A', 'FP32', [1], { fp32_contents: [1] })], raw_input_contents: [f32([1])] })).message).toBe(
      "input 'A' has both contents.fp32_contents and raw_input_contents[0]: send each input one way",
    );
  });

  it('refuses broken BYTES framing in raw contents', () => {
    expect(refusal(request({ inputs: [input('S', 'BYTES', [1])], raw_input_contents: [Buffer.from([9, 0, 0, 0, 1])] })).message).toContain('4-byte length-prefixed');
  });

  it('refuses bad datatypes, shapes and duplicate names as HTTP does', () => {
    expect(refusal(request({ inputs: [input('A', 'FLOAT', [1], { fp32_contents: [1] })] })).message).toBe('input \'A\' has an invalid datatype: "FLOAT"');
    expect(refusal(request({ inputs: [input('A', 'FP32', [-1], { fp32_contents: [1] })] })).message).toContain("input 'A' has an invalid shape [-1]");
    expect(refusal(request({ inputs: [input('A', 'FP32', [1], { fp32_contents: [1] }), input('A', 'FP32', [1], { fp32_contents: [1] })] })).message).toBe(
      "input 'A' already exists in request",
    );
    expect(refusal(request({ outputs: [{ name: 'O', parameters: {} }, { name: 'O', parameters: {} }] })).message).toBe("output 'O' already exists in request");
  });

  it('turns parameters into scalars, refusing values it cannot carry exactly', () => {
    const decoded = decodeModelInferRequest(
      request({ parameters: { priority: { parameter_choice: 'uint64_param', uint64_param: '2' }, tag: { parameter_choice: 'string_param', string_param: 'x' }, on: { parameter_choice: 'bool_param', bool_param: true } } }),
    );
    expect(decoded.parameters).toEqual({ priority: 2, tag: 'x', on: true });
    expect(refusal(request({ parameters: { big: { parameter_choice: 'int64_param', int64_param: '9007199254740993' } } })).message).toContain("parameter 'big' of the request is 9007199254740993");
    expect(refusal(request({ parameters: { none: {} } })).message).toContain("parameter 'none' of the request has no value");
  });

  it('refuses sequence parameters as HTTP does, and lets their "no sequence" values through', () => {
    expect(refusal(request({ id: 's', parameters: { sequence_id: { parameter_choice: 'uint64_param', uint64_param: '42' } } })).message).toBe(
      "[request id: s] parameter 'sequence_id' is not supported: Flotilla has no sequence batcher, so requests cannot belong to a sequence",
    );
    expect(decodeModelInferRequest(request({ parameters: { sequence_start: { parameter_choice: 'bool_param', bool_param: false } } })).parameters).toEqual({ sequence_start: false });
  });

  it('refuses parameters of HTTP’s binary extension and of features Flotilla lacks, by name', () => {
    const flag = { parameter_choice: 'bool_param' as const, bool_param: true };
    expect(refusal(request({ parameters: { binary_data_output: flag } })).message).toContain("parameter 'binary_data_output' of the request belongs to HTTP's binary tensor extension");
    expect(refusal(request({ outputs: [{ name: 'O', parameters: { binary_data: flag } }] })).message).toContain("parameter 'binary_data' of output 'O'");
    expect(refusal(request({ inputs: [input('A', 'FP32', [1], { fp32_contents: [1] }, { binary_data_size: { parameter_choice: 'int64_param', int64_param: '4' } })] })).message).toContain(
      "parameter 'binary_data_size' of input 'A'",
    );
    const shm = refusal(request({ inputs: [input('A', 'FP32', [1], null, { shared_memory_region: { parameter_choice: 'string_param', string_param: 'r' } })] }));
    expect([shm.code, shm.message]).toEqual(['UNSUPPORTED', "input 'A' uses shared memory, which Flotilla does not support"]);
    const classification = refusal(request({ outputs: [{ name: 'O', parameters: { classification: { parameter_choice: 'int64_param', int64_param: '3' } } }] }));
    expect([classification.code, classification.message]).toEqual(['UNSUPPORTED', "output 'O' asks for 'classification', which Flotilla does not support"]);
  });
});
