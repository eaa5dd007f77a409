import { invalidArg } from '@flotilla/contracts';
import type { DataType } from './model-config.types';

/** One graph input or output of an ONNX model: name, element type and dims (-1 for a symbolic or unknown dim). */
export interface OnnxTensorInfo {
  readonly name: string;
  /** Triton's data type, or undefined for an element type Triton has none for (and for non-tensor types). */
  readonly dataType: DataType | undefined;
  readonly dims: readonly number[];
}

export interface OnnxIo {
  readonly inputs: readonly OnnxTensorInfo[];
  readonly outputs: readonly OnnxTensorInfo[];
}

/** ONNX TensorProto.DataType → Triton's TYPE_*; the numbering is ONNX's (onnx.proto). */
const ELEMENT_TYPES: Readonly<Record<number, DataType>> = {
  1: 'TYPE_FP32',
  2: 'TYPE_UINT8',
  3: 'TYPE_INT8',
  4: 'TYPE_UINT16',
  5: 'TYPE_INT16',
  6: 'TYPE_INT32',
  7: 'TYPE_INT64',
  8: 'TYPE_STRING',
  9: 'TYPE_BOOL',
  10: 'TYPE_FP16',
  11: 'TYPE_FP64',
  12: 'TYPE_UINT32',
  13: 'TYPE_UINT64',
  16: 'TYPE_BF16',
};

/**
 * Reads the graph's inputs and outputs from an ONNX file (a protobuf ModelProto) without an ONNX
 * runtime: just enough of protobuf's wire format to walk ModelProto.graph (7) → GraphProto.input
 * (11) / output (12) / initializer (5) → ValueInfoProto name (1), type (2) → TypeProto.tensor_type
 * (1) → elem_type (1), shape (2) → dim (1) → dim_value (1) | dim_param (2). Inputs that are also
 * initializers are weights with defaults, not model inputs (as onnxruntime lists them), so they are
 * left out. Throws INVALID_ARG when the bytes are not an ONNX model.
 */
export function readOnnxIo(bytes: Uint8Array): OnnxIo {
  try {
    const graph = fields(bytes).find((f) => f.number === 7 && f.bytes);
    if (!graph?.bytes) throw new Error('no graph in the model');
    const graphFields = fields(graph.bytes);
    const initializers = new Set(graphFields.filter((f) => f.number === 5 && f.bytes).map((f) => stringField(f.bytes!, 8)));
    const infos = (number: number) => graphFields.filter((f) => f.number === number && f.bytes).map((f) => valueInfo(f.bytes!));
    return { inputs: infos(11).filter((input) => !initializers.has(input.name)), outputs: infos(12) };
  } catch (error) {
    throw invalidArg(`unable to read the ONNX model's inputs and outputs: ${(error as Error).message}`);
  }
}

function valueInfo(bytes: Uint8Array): OnnxTensorInfo {
  const name = stringField(bytes, 1);
  const type = fields(bytes).find((f) => f.number === 2 && f.bytes)?.bytes;
  const tensor = type ? fields(type).find((f) => f.number === 1 && f.bytes)?.bytes : undefined;
  if (!tensor) return { name, dataType: undefined, dims: [] };
  const tensorFields = fields(tensor);
  const elemType = tensorFields.find((f) => f.number === 1 && f.varint !== undefined)?.varint;
  const shape = tensorFields.find((f) => f.number === 2 && f.bytes)?.bytes;
  const dims = shape
    ? fields(shape)
        .filter((f) => f.number === 1 && f.bytes)
        .map((dim) => {
          const value = fields(dim.bytes!).find((f) => f.number === 1 && f.varint !== undefined)?.varint;
          return value !== undefined && value > 0 ? value : -1; // dim_param, or no value: variable
        })
    : [];
  return { name, dataType: elemType === undefined ? undefined : ELEMENT_TYPES[elemType], dims };
}

interface WireField {
  readonly number: number;
  readonly varint?: number;
  readonly bytes?: Uint8Array;
}

/** The top-level fields of one protobuf message. Groups (wire types 3, 4) do not occur in ONNX. */
function fields(bytes: Uint8Array): WireField[] {
  const out: WireField[] = [];
  let at = 0;
  const varint = (): number => {
    let result = 0;
    let scale = 1;
    for (;;) {
      if (at >= bytes.length) throw new Error('truncated protobuf varint');
      const byte = bytes[at++];
      result += (byte & 0x7f) * scale;
      if (byte < 0x80) return result;
      scale *= 128;
      if (scale > 2 ** 63) throw new Error('protobuf varint too long');
    }
  };
  while (at < bytes.length) {
    const key = varint();
    const number = Math.floor(key / 8);
    switch (key & 7) {
      case 0:
        out.push({ number, varint: varint() });
        break;
      case 1:
        at += 8;
        break;
      case 2: {
        const length = varint();
        if (at + length > bytes.length) throw new Error('truncated protobuf field');
        out.push({ number, bytes: bytes.subarray(at, at + length) });
        at += length;
        break;
      }
      case 5:
        at += 4;
        break;
      default:
        throw new Error(`unexpected protobuf wire type ${key & 7}: not an ONNX model`);
    }
  }
  return out;
}

function stringField(bytes: Uint8Array, number: number): string {
  const field = fields(bytes).find((f) => f.number === number && f.bytes);
  return field ? new TextDecoder().decode(field.bytes) : '';
}
