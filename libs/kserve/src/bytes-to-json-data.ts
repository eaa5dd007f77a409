import { isUtf8 } from 'node:buffer';
import { elementCount, elementSize, internal, invalidArg, type Tensor } from '@flotilla/contracts';
import { fromBfloat16Bits, fromFloat16Bits } from './minifloat';

export interface JsonDataTextOptions {
  /**
   * How to write INT64/UINT64 values beyond 2^53: 'number' (default, as Triton does; exact for
   * parsers with 64-bit integers, such as Python's) or 'string' (exact for JSON.parse too, and
   * accepted back by the request decoder).
   */
  readonly bigIntegers?: 'number' | 'string';
}

/**
 * Renders a tensor's raw bytes as the JSON text of a flat `data` array, e.g. `[1,2,3]`.
 *
 * Text rather than a JS array, because the text can say what an array would lose:
 * INT64/UINT64 beyond 2^53 are written with all their digits, -0 keeps its sign, and NaN and the
 * infinities (which JSON lacks) are written as the strings "NaN", "Infinity" and "-Infinity",
 * which the request decoder accepts back.
 */
export function bytesToJsonDataText(tensor: Tensor, options: JsonDataTextOptions = {}): string {
  const { datatype, data } = tensor;
  const count = elementCount(tensor.shape);
  const size = elementSize(datatype);
  if (size !== undefined && data.byteLength !== size * count) {
    throw internal(`output '${tensor.name}' has ${data.byteLength} bytes, but shape [${tensor.shape.join(',')}] of ${datatype} needs ${size * count}`);
  }
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const quoteBig = options.bigIntegers === 'string';
  switch (datatype) {
    case 'BOOL': return join(count, (i) => (data[i] ? 'true' : 'false'));
    case 'UINT8': return join(count, (i) => String(data[i]));
    case 'INT8': return join(count, (i) => String(view.getInt8(i)));
    case 'UINT16': return join(count, (i) => String(view.getUint16(i * 2, true)));
    case 'INT16': return join(count, (i) => String(view.getInt16(i * 2, true)));
    case 'UINT32': return join(count, (i) => String(view.getUint32(i * 4, true)));
    case 'INT32': return join(count, (i) => String(view.getInt32(i * 4, true)));
    case 'UINT64': return join(count, (i) => uint64Text(view, i * 8, quoteBig));
    case 'INT64': return join(count, (i) => int64Text(view, i * 8, quoteBig));
    case 'FP16': return join(count, (i) => floatText(fromFloat16Bits(view.getUint16(i * 2, true))));
    case 'BF16': return join(count, (i) => floatText(fromBfloat16Bits(view.getUint16(i * 2, true))));
    case 'FP32': return join(count, (i) => floatText(view.getFloat32(i * 4, true)));
    case 'FP64': return join(count, (i) => floatText(view.getFloat64(i * 8, true)));
    case 'BYTES': return bytesElementsText(tensor, count);
  }
}

function join(count: number, element: (index: number) => string): string {
  let text = '[';
  for (let i = 0; i < count; i++) text += i === 0 ? element(i) : `,${element(i)}`;
  return `${text}]`;
}

const TWO_POW_32 = 2 ** 32;

function uint64Text(view: DataView, offset: number, quoteBig: boolean): string {
  const high = view.getUint32(offset + 4, true);
  // Below 2^53 a double holds the value exactly and formats faster than a BigInt.
  if (high < 0x200000) return String(high * TWO_POW_32 + view.getUint32(offset, true));
  const digits = view.getBigUint64(offset, true).toString();
  return quoteBig ? `"${digits}"` : digits;
}

function int64Text(view: DataView, offset: number, quoteBig: boolean): string {
  const high = view.getInt32(offset + 4, true);
  if (high >= -0x200000 && high < 0x200000) return String(high * TWO_POW_32 + view.getUint32(offset, true));
  const digits = view.getBigInt64(offset, true).toString();
  return quoteBig ? `"${digits}"` : digits;
}

function floatText(value: number): string {
  if (Number.isFinite(value)) return value === 0 && 1 / value < 0 ? '-0' : String(value);
  return Number.isNaN(value) ? '"NaN"' : value > 0 ? '"Infinity"' : '"-Infinity"';
}

/**
 * BYTES elements as JSON strings. JSON is text: an element that is not UTF-8 cannot be written
 * without changing it, so the answer is an error that names it and says how to get its bytes.
 */
function bytesElementsText(tensor: Tensor, count: number): string {
  const { data } = tensor;
  const buffer = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  let offset = 0;
  let index = 0;
  const text = join(count, () => {
    if (offset + 4 > buffer.byteLength) throw malformedBytes(tensor, count);
    const end = offset + 4 + buffer.readUInt32LE(offset);
    if (end > buffer.byteLength) throw malformedBytes(tensor, count);
    const bytes = buffer.subarray(offset + 4, end);
    if (!isUtf8(bytes)) {
      throw invalidArg(
        `output '${tensor.name}': BYTES element ${index} is not valid UTF-8, which a JSON response cannot carry; ` +
          `ask for this output in binary form (outputs: [{"name": "${tensor.name}", "parameters": {"binary_data": true}}])`,
      );
    }
    const element = JSON.stringify(bytes.toString('utf8'));
    offset = end;
    index++;
    return element;
  });
  if (offset !== buffer.byteLength) throw malformedBytes(tensor, count);
  return text;
}

function malformedBytes(tensor: Tensor, count: number) {
  return internal(`output '${tensor.name}' is not ${count} length-prefixed BYTES elements (${tensor.data.byteLength} bytes)`);
}
