import type { Tensor } from '@flotilla/contracts';
import { validateInferInputs, type ModelSignature } from './validate-inputs';

const simple: ModelSignature = {
  name: 'simple',
  max_batch_size: 8,
  input: [
    { name: 'INPUT0', datatype: 'FP32', dims: [16] },
    { name: 'INPUT1', datatype: 'FP32', dims: [16] },
  ],
  output: [{ name: 'OUTPUT0' }, { name: 'OUTPUT1' }],
};

const fp32 = (name: string, shape: number[], bytes = shape.reduce((a, b) => a * b, 1) * 4): Tensor => ({ name, datatype: 'FP32', shape, data: new Uint8Array(bytes) });

describe('validateInferInputs', () => {
  it('accepts a well-formed batched request', () => {
    expect(() => validateInferInputs(simple, [fp32('INPUT0', [2, 16]), fp32('INPUT1', [2, 16])], ['OUTPUT0'])).not.toThrow();
  });

  it.each([
    ['missing input', [fp32('INPUT0', [1, 16])], [], /missing required input\(s\) \['INPUT1'\]/],
    ['unknown input', [fp32('INPUT0', [1, 16]), fp32('INPUT1', [1, 16]), fp32('X', [1, 16])], [], /unexpected inference input 'X' for model 'simple'/],
    ['wrong shape', [fp32('INPUT0', [1, 8]), fp32('INPUT1', [1, 16])], [], /unexpected shape for input 'INPUT0' for model 'simple'. Expected \[-1,16\], got \[1,8\]/],
    ['batch too large', [fp32('INPUT0', [9, 16]), fp32('INPUT1', [9, 16])], [], /batch-size must be <= 8 for 'simple'/],
    ['mismatched batches', [fp32('INPUT0', [1, 16]), fp32('INPUT1', [2, 16])], [], /batch size 2 but other inputs have 1/],
    ['byte size', [fp32('INPUT0', [1, 16], 12), fp32('INPUT1', [1, 16])], [], /byte size mismatch .* Expected 64, got 12/],
    ['unknown output', [fp32('INPUT0', [1, 16]), fp32('INPUT1', [1, 16])], ['NOPE'], /unexpected inference output 'NOPE'/],
  ])('rejects %s with a message naming it', (_case, inputs, outputs, message) => {
    expect(() => validateInferInputs(simple, inputs as Tensor[], outputs as string[])).toThrow(message as RegExp);
  });

  it('rejects a wrong datatype naming both types', () => {
    const int32: Tensor = { name: 'INPUT0', datatype: 'INT32', shape: [1, 16], data: new Uint8Array(64) };
    expect(() => validateInferInputs(simple, [int32, fp32('INPUT1', [1, 16])], [], '42')).toThrow(
      "[request id: 42] inference input 'INPUT0' data-type is 'INT32', but model 'simple' expects 'FP32'",
    );
  });
});
