// OUTPUT0 = INPUT0 for any 2-D FP32 tensor: measures what moving bytes costs (1 MiB / 4 MiB tests)
// with next to no compute in the way.
import { encodeModel, fp32ValueInfo, node } from '../onnx-builder';

export function buildIdentityFp32Model(): Uint8Array {
  const dims = ['rows', 'columns'];
  return encodeModel({
    name: 'identity_fp32',
    inputs: [fp32ValueInfo('INPUT0', dims)],
    outputs: [fp32ValueInfo('OUTPUT0', dims)],
    nodes: [node('Identity', ['INPUT0'], ['OUTPUT0'], 'identity')],
  });
}
