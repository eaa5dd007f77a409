// Thin helpers over onnx-proto's generated protobufjs classes, so each model file reads as a graph
// description rather than protobuf plumbing. Only what the example models need: FP32 tensors,
// symbolic or fixed dims, raw-data initializers.
import { onnx } from 'onnx-proto';

/** IR version 8 and opset 13 are old enough for every ONNX Runtime 1.x we might meet, and have every op we use. */
const IR_VERSION = 8;
const OPSET_VERSION = 13;

/** A dimension: a fixed size, or a name for a dynamic one (ONNX `dim_param`, shown as -1 by Triton). */
export type Dim = number | string;

export function fp32ValueInfo(name: string, dims: readonly Dim[]): onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: { dim: dims.map((dim) => (typeof dim === 'number' ? { dimValue: dim } : { dimParam: dim })) },
      },
    },
  };
}

/** A constant FP32 tensor stored as little-endian raw bytes (compact, and what ONNX Runtime reads fastest). */
export function fp32Initializer(name: string, dims: readonly number[], values: Float32Array): onnx.ITensorProto {
  return {
    name,
    dims: [...dims],
    dataType: onnx.TensorProto.DataType.FLOAT,
    rawData: new Uint8Array(values.buffer, values.byteOffset, values.byteLength),
  };
}

export function node(opType: string, inputs: readonly string[], outputs: readonly string[], name: string): onnx.INodeProto {
  return { opType, input: [...inputs], output: [...outputs], name };
}

export interface GraphSpec {
  readonly name: string;
  readonly inputs: onnx.IValueInfoProto[];
  readonly outputs: onnx.IValueInfoProto[];
  readonly nodes: onnx.INodeProto[];
  readonly initializers?: onnx.ITensorProto[];
}

/** Serialises a one-graph model to the bytes of a `model.onnx` file. */
export function encodeModel(graph: GraphSpec): Uint8Array {
  const model: onnx.IModelProto = {
    irVersion: IR_VERSION,
    producerName: 'flotilla-model-generator',
    opsetImport: [{ domain: '', version: OPSET_VERSION }],
    graph: {
      name: graph.name,
      input: graph.inputs,
      output: graph.outputs,
      node: graph.nodes,
      initializer: graph.initializers ?? [],
    },
  };
  return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
}
