// KServe datatypes ↔ ONNX Runtime's JavaScript tensor types. Kept free of onnxruntime-node values
// (types only) so that the main thread can use it without loading the native addon.
import { Datatype, FlotillaError } from '@flotilla/contracts';
import type { Tensor as OrtTensor } from 'onnxruntime-node';

export type OrtNumericType = Exclude<OrtTensor.Type, 'string' | 'int4' | 'uint4'>;
export type OrtType = OrtNumericType | 'string';

type TypedArrayConstructor =
  | Uint8ArrayConstructor
  | Int8ArrayConstructor
  | Uint16ArrayConstructor
  | Int16ArrayConstructor
  | Uint32ArrayConstructor
  | Int32ArrayConstructor
  | BigUint64ArrayConstructor
  | BigInt64ArrayConstructor
  | Float32ArrayConstructor
  | Float64ArrayConstructor;

interface NumericMapping {
  readonly ort: OrtNumericType;
  /** The typed array ONNX Runtime expects for this type (FP16 travels as raw Uint16 bits, BOOL as bytes). */
  readonly array: TypedArrayConstructor;
}

const NUMERIC: Readonly<Record<Exclude<Datatype, 'BYTES' | 'BF16'>, NumericMapping>> = {
  BOOL: { ort: 'bool', array: Uint8Array },
  UINT8: { ort: 'uint8', array: Uint8Array },
  INT8: { ort: 'int8', array: Int8Array },
  UINT16: { ort: 'uint16', array: Uint16Array },
  INT16: { ort: 'int16', array: Int16Array },
  UINT32: { ort: 'uint32', array: Uint32Array },
  INT32: { ort: 'int32', array: Int32Array },
  UINT64: { ort: 'uint64', array: BigUint64Array },
  INT64: { ort: 'int64', array: BigInt64Array },
  FP16: { ort: 'float16', array: Uint16Array },
  FP32: { ort: 'float32', array: Float32Array },
  FP64: { ort: 'float64', array: Float64Array },
};

const FROM_ORT: ReadonlyMap<string, Datatype> = new Map<string, Datatype>([
  ...Object.entries(NUMERIC).map(([datatype, { ort }]) => [ort, datatype as Datatype] as const),
  ['string', 'BYTES'],
]);

/** How a numeric datatype is handed to ONNX Runtime; throws UNSUPPORTED for BF16, which onnxruntime-node cannot hold. */
export function numericMappingFor(datatype: Exclude<Datatype, 'BYTES'>): NumericMapping {
  if (datatype === 'BF16') throw new FlotillaError('UNSUPPORTED', 'datatype BF16 is not supported by the onnxruntime backend');
  return NUMERIC[datatype];
}

export function datatypeForOrtType(type: string, tensorName: string): Datatype {
  const datatype = FROM_ORT.get(type);
  if (!datatype) throw new FlotillaError('UNSUPPORTED', `output '${tensorName}' has onnxruntime type '${type}', which has no KServe datatype`);
  return datatype;
}
