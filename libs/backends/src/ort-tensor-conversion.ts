// Flotilla Tensor (raw little-endian bytes) ↔ onnxruntime-node Tensor, without copying where the
// bytes can be viewed in place. Runs inside the slot's worker thread.
import { Tensor, elementCount, elementSize, FlotillaError } from '@flotilla/contracts';
import { Tensor as OrtTensor } from 'onnxruntime-node';
import { decodeBytesElements, encodeBytesElements } from './bytes-elements';
import { bytesToOrtString, ortStringToBytes } from './ort-string-codec';
import { datatypeForOrtType, numericMappingFor } from './ort-datatypes';

export function toOrtTensor(tensor: Tensor): OrtTensor {
  const dims = [...tensor.shape];
  const count = elementCount(dims);
  if (tensor.datatype === 'BYTES') return new OrtTensor('string', decodeBytesElements(tensor.data, count, tensor.name).map(bytesToOrtString), dims);

  const mapping = numericMappingFor(tensor.datatype);
  const size = elementSize(tensor.datatype) as number;
  if (tensor.data.byteLength !== count * size) {
    throw new FlotillaError(
      'INVALID_ARG',
      `input '${tensor.name}': shape [${dims.join(',')}] of ${tensor.datatype} needs ${count * size} bytes, got ${tensor.data.byteLength}`,
    );
  }
  // A typed array view must start on a multiple of its element size; copy only when it does not.
  // `new Uint8Array(view)` copies; `.slice()` would not when the bytes are a Buffer (NATS hands
  // the serving thread Buffers), since Buffer.prototype.slice returns a view of the same memory.
  const bytes = tensor.data.byteOffset % size === 0 ? tensor.data : new Uint8Array(tensor.data);
  const view = new mapping.array(bytes.buffer as ArrayBuffer, bytes.byteOffset, count);
  return new OrtTensor(mapping.ort, view, dims);
}

export function fromOrtTensor(name: string, tensor: OrtTensor): Tensor {
  const datatype = datatypeForOrtType(tensor.type, name);
  const shape = [...tensor.dims];
  if (datatype === 'BYTES') return { name, datatype, shape, data: encodeBytesElements((tensor.data as string[]).map(ortStringToBytes)) };
  const values = tensor.data as Exclude<OrtTensor.DataType, string[]>;
  return { name, datatype, shape, data: new Uint8Array(values.buffer, values.byteOffset, values.byteLength) };
}
