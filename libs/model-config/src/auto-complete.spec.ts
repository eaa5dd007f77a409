import { autoCompleteOnnxConfig } from './auto-complete';
import { parseModelConfig } from './model-config-text';
import { normalizeModelConfig } from './normalize';
import { readOnnxIo, type OnnxIo } from './onnx-io';

const batched: OnnxIo = {
  inputs: [
    { name: 'INPUT0', dataType: 'TYPE_FP32', dims: [-1, 16] },
    { name: 'INPUT1', dataType: 'TYPE_INT64', dims: [-1, 16] },
  ],
  outputs: [{ name: 'OUTPUT0', dataType: 'TYPE_FP32', dims: [-1, 16] }],
};

describe('autoCompleteOnnxConfig', () => {
  it('fills a bare config from the model: I/O, max_batch_size 4 and dynamic batching for a batchable model', () => {
    const config = normalizeModelConfig(autoCompleteOnnxConfig(parseModelConfig('name: "m" backend: "onnxruntime"'), batched), { gpus: [] });
    expect(config.max_batch_size).toBe(4);
    expect(config.input.map((t) => [t.name, t.data_type, t.dims])).toEqual([
      ['INPUT0', 'TYPE_FP32', [16]],
      ['INPUT1', 'TYPE_INT64', [16]],
    ]);
    expect(config.output.map((t) => [t.name, t.dims])).toEqual([['OUTPUT0', [16]]]);
    expect(config.dynamic_batching?.preferred_batch_size).toEqual([4]);
  });

  it('keeps max_batch_size 0 and full dims for a model whose tensors cannot batch', () => {
    const fixed: OnnxIo = { inputs: [{ name: 'x', dataType: 'TYPE_FP32', dims: [2, 3] }], outputs: [{ name: 'y', dataType: 'TYPE_FP32', dims: [2, 3] }] };
    const config = autoCompleteOnnxConfig(parseModelConfig('name: "m"'), fixed);
    expect([config.max_batch_size, config.input[0].dims, config.dynamic_batching]).toEqual([0, [2, 3], undefined]);
  });

  it('fills only what is missing from a partial config, keeping what it writes', () => {
    const partial = parseModelConfig('name: "m" max_batch_size: 8 input [ { name: "INPUT0" data_type: TYPE_FP32 dims: [ 16 ] } ] dynamic_batching { max_queue_delay_microseconds: 5 }');
    const config = autoCompleteOnnxConfig(partial, batched);
    expect(config.max_batch_size).toBe(8);
    expect(config.input.map((t) => t.name)).toEqual(['INPUT0']);
    expect(config.output.map((t) => [t.name, t.dims])).toEqual([['OUTPUT0', [16]]]);
    expect(config.dynamic_batching?.max_queue_delay_microseconds).toBe(5);
  });

  it("refuses a max_batch_size the model cannot honour, with Triton's text", () => {
    const fixed: OnnxIo = { inputs: [{ name: 'x', dataType: 'TYPE_FP32', dims: [2] }], outputs: [{ name: 'y', dataType: 'TYPE_FP32', dims: [2] }] };
    expect(() => autoCompleteOnnxConfig(parseModelConfig('name: "m" max_batch_size: 4'), fixed)).toThrow(
      "autofill failed for model 'm': model does not support batching while non-zero max_batch_size is specified",
    );
  });
});

describe('readOnnxIo', () => {
  /** Protobuf wire format by hand: a length-delimited field, and a varint field. */
  const bytes = (number: number, body: Uint8Array) => Uint8Array.from([(number << 3) | 2, body.length, ...body]);
  const varint = (number: number, value: number) => Uint8Array.from([number << 3, value]);
  const text = (number: number, value: string) => bytes(number, new TextEncoder().encode(value));
  const join = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((part) => [...part]));
  const dim = (value: number | string) => bytes(1, typeof value === 'number' ? varint(1, value) : text(2, value));
  const valueInfo = (name: string, elemType: number, dims: (number | string)[]) => join(text(1, name), bytes(2, bytes(1, join(varint(1, elemType), bytes(2, join(...dims.map(dim)))))));

  it('reads inputs (not initializers), outputs, element types and symbolic dims', () => {
    const graph = join(bytes(11, valueInfo('x', 1, ['batch', 4])), bytes(11, valueInfo('w', 1, [4, 4])), bytes(5, text(8, 'w')), bytes(12, valueInfo('y', 7, ['batch', 4])));
    expect(readOnnxIo(bytes(7, graph))).toEqual({
      inputs: [{ name: 'x', dataType: 'TYPE_FP32', dims: [-1, 4] }],
      outputs: [{ name: 'y', dataType: 'TYPE_INT64', dims: [-1, 4] }],
    });
  });

  it('refuses bytes that are not an ONNX model', () => {
    expect(() => readOnnxIo(new TextEncoder().encode('name: "m"'))).toThrow(/^unable to read the ONNX model's inputs and outputs: /);
  });
});
