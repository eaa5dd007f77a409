// Triton's classic `simple` example (add_sub), in FP32: OUTPUT0 = INPUT0 + INPUT1, OUTPUT1 = INPUT0 − INPUT1.
import { encodeModel, fp32ValueInfo, node } from '../onnx-builder';

export const SIMPLE_WIDTH = 16;

export function buildSimpleModel(): Uint8Array {
  const dims = ['batch', SIMPLE_WIDTH];
  return encodeModel({
    name: 'simple',
    inputs: [fp32ValueInfo('INPUT0', dims), fp32ValueInfo('INPUT1', dims)],
    outputs: [fp32ValueInfo('OUTPUT0', dims), fp32ValueInfo('OUTPUT1', dims)],
    nodes: [node('Add', ['INPUT0', 'INPUT1'], ['OUTPUT0'], 'add'), node('Sub', ['INPUT0', 'INPUT1'], ['OUTPUT1'], 'sub')],
  });
}
