// OUTPUT0 = INPUT0 for a batch of strings (an ONNX string tensor, Triton's BYTES): what reaches the
// model and what comes back, byte for byte (docs/bytes.md).
import { onnx } from 'onnx-proto';
import { encodeModel, node } from '../onnx-builder';

export function buildIdentityBytesModel(): Uint8Array {
  const dims = ['batch', 'elements'];
  const stringTensor = (name: string): onnx.IValueInfoProto => ({
    name,
    type: { tensorType: { elemType: onnx.TensorProto.DataType.STRING, shape: { dim: dims.map((dimParam) => ({ dimParam })) } } },
  });
  return encodeModel({
    name: 'identity_bytes',
    inputs: [stringTensor('INPUT0')],
    outputs: [stringTensor('OUTPUT0')],
    nodes: [node('Identity', ['INPUT0'], ['OUTPUT0'], 'identity')],
  });
}
