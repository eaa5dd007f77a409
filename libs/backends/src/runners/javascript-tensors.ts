// Tensors as a JavaScript model sees them: typed arrays over the request's bytes (BYTES as one
// Buffer — a Uint8Array — per element, holding exactly the element's bytes), and back. FP16 and BF16 travel as their raw 16-bit patterns in a Uint16Array.
import { elementCount, elementSize, FlotillaError, isDatatype, type Datatype, type Tensor } from '@flotilla/contracts';
import { decodeBytesElements, encodeBytesElements } from '../bytes-elements';

/** One tensor handed to or returned by a JavaScript model's `execute`. */
export interface JavascriptTensor {
  readonly datatype: Datatype;
  readonly shape: readonly number[];
  /** A typed array (numbers), or for BYTES an array of Buffers in (any bytes), of Uint8Arrays or strings (written as UTF-8) out. */
  readonly data: ArrayBufferView | readonly (Uint8Array | string)[];
}

type TypedArrayConstructor = { new (buffer: ArrayBuffer, byteOffset: number, length: number): ArrayBufferView; from(values: Iterable<number | bigint>): ArrayBufferView };

const ARRAYS: Readonly<Record<Exclude<Datatype, 'BYTES'>, TypedArrayConstructor>> = {
  BOOL: Uint8Array,
  UINT8: Uint8Array,
  INT8: Int8Array,
  UINT16: Uint16Array,
  INT16: Int16Array,
  UINT32: Uint32Array,
  INT32: Int32Array,
  UINT64: BigUint64Array as unknown as TypedArrayConstructor,
  INT64: BigInt64Array as unknown as TypedArrayConstructor,
  FP16: Uint16Array,
  BF16: Uint16Array,
  FP32: Float32Array,
  FP64: Float64Array,
};

export function toJavascriptTensor(tensor: Tensor): JavascriptTensor {
  const count = elementCount(tensor.shape);
  if (tensor.datatype === 'BYTES') {
    return { datatype: 'BYTES', shape: tensor.shape, data: decodeBytesElements(tensor.data, count, tensor.name) };
  }
  const size = elementSize(tensor.datatype) as number;
  // Typed array views must start on a multiple of the element size: copy only when they do not.
  const bytes = tensor.data.byteOffset % size === 0 ? tensor.data : new Uint8Array(tensor.data);
  return { datatype: tensor.datatype, shape: tensor.shape, data: new ARRAYS[tensor.datatype](bytes.buffer as ArrayBuffer, bytes.byteOffset, count) };
}

export function fromJavascriptTensor(name: string, value: unknown, model: string): Tensor {
  const fail = (why: string) => new FlotillaError('INTERNAL', `javascript model '${model}' returned a bad output '${name}': ${why}`);
  if (typeof value !== 'object' || value === null) throw fail('expected { datatype, shape, data }');
  const { datatype, shape, data } = value as Record<string, unknown>;
  if (!isDatatype(datatype)) throw fail(`unknown datatype ${JSON.stringify(datatype)}`);
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) throw fail('shape must be an array of non-negative integers');
  const count = elementCount(shape);

  if (datatype === 'BYTES') {
    if (!Array.isArray(data) || data.length !== count) throw fail(`BYTES data must be an array of ${count} strings or Uint8Arrays`);
    const bad = data.findIndex((item) => typeof item !== 'string' && !(item instanceof Uint8Array));
    if (bad !== -1) throw fail(`BYTES element ${bad} is neither a string nor a Uint8Array`);
    return { name, datatype, shape, data: encodeBytesElements(data as (string | Uint8Array)[]) };
  }
  const view = ArrayBuffer.isView(data) ? data : Array.isArray(data) ? ARRAYS[datatype].from(data as number[]) : undefined;
  if (!view) throw fail('data must be a typed array or an array of numbers');
  const expected = count * (elementSize(datatype) as number);
  if (view.byteLength !== expected) throw fail(`shape [${shape.join(',')}] of ${datatype} needs ${expected} bytes, got ${view.byteLength}`);
  return { name, datatype, shape, data: new Uint8Array(view.buffer, view.byteOffset, view.byteLength) };
}
