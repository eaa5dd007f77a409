import { elementCount, elementSize, internal, invalidArg, type Tensor } from '@flotilla/contracts';

// A dynamic batch is its requests' tensors joined along dim 0, and each output is cut back along
// dim 0 by each request's own rows. Tensors are row-major, so one request's rows are one contiguous
// run of bytes: joining is a copy of each part in turn, and cutting is a view per request. BYTES
// elements vary in length, so their rows are found by walking the length prefixes.

const BYTES_LENGTH_PREFIX = 4;

/**
 * One tensor holding the rows of every part, in order. The parts must share name, datatype and
 * every dimension beyond the first (the caller groups requests so that they do: see
 * groupIntoExecutions); a part that does not is a bug upstream and fails loudly.
 */
export function concatAlongBatch(parts: readonly Tensor[]): Tensor {
  if (parts.length === 0) throw internal('cannot concatenate an empty list of tensors');
  const [first] = parts;
  if (parts.length === 1) return first;
  const rowShape = first.shape.slice(1);
  let rows = 0;
  let bytes = 0;
  for (const part of parts) {
    if (part.name !== first.name || part.datatype !== first.datatype || part.shape.length !== first.shape.length || !sameDims(part.shape.slice(1), rowShape)) {
      throw internal(`cannot batch ${describe(part)} with ${describe(first)}`);
    }
    rows += part.shape[0];
    bytes += part.data.byteLength;
  }
  const data = new Uint8Array(bytes);
  let offset = 0;
  for (const part of parts) {
    data.set(part.data, offset);
    offset += part.data.byteLength;
  }
  return { name: first.name, datatype: first.datatype, shape: [rows, ...rowShape], data };
}

/**
 * The tensor cut along dim 0 into consecutive parts of `rows[i]` rows each, as views of its bytes
 * (no copy). The rows must add up to the tensor's first dimension.
 */
export function splitAlongBatch(tensor: Tensor, rows: readonly number[]): Tensor[] {
  if (tensor.shape.length === 0) throw internal(`output '${tensor.name}' is a scalar; it has no batch dimension to split`);
  const total = rows.reduce((sum, n) => sum + n, 0);
  if (total !== tensor.shape[0]) {
    throw internal(`output '${tensor.name}' has ${tensor.shape[0]} rows (shape [${tensor.shape.join(',')}]) but the batch's requests have ${total}`);
  }
  if (rows.length === 1) return [tensor];
  const rowShape = tensor.shape.slice(1);
  const elementsPerRow = elementCount(rowShape);
  const width = elementSize(tensor.datatype);
  const ends = width === undefined ? bytesRowEnds(tensor, elementsPerRow, rows) : rowEnds(rows, elementsPerRow * width);
  let start = 0;
  return rows.map((n, i) => {
    const part: Tensor = { name: tensor.name, datatype: tensor.datatype, shape: [n, ...rowShape], data: tensor.data.subarray(start, ends[i]) };
    start = ends[i];
    return part;
  });
}

/**
 * Checks that a BYTES tensor holds exactly the elements its shape says, each complete. A lone
 * request with a malformed BYTES tensor fails in the backend; in a batch it must fail before it is
 * joined, or its surplus elements would shift every later request's rows.
 */
export function validateBytesElements(tensor: Tensor, requestId?: string): void {
  if (tensor.datatype !== 'BYTES') return;
  const expected = elementCount(tensor.shape);
  const found = countBytesElements(tensor.data);
  if (found !== expected) {
    const prefix = requestId ? `[request id: ${requestId}] ` : '';
    const held = found === undefined ? 'ends inside an element' : `holds ${found} element(s)`;
    throw invalidArg(`${prefix}BYTES input '${tensor.name}' ${held}, but its shape [${tensor.shape.join(',')}] needs ${expected}`);
  }
}

function rowEnds(rows: readonly number[], bytesPerRow: number): number[] {
  let end = 0;
  return rows.map((n) => (end += n * bytesPerRow));
}

function bytesRowEnds(tensor: Tensor, elementsPerRow: number, rows: readonly number[]): number[] {
  const view = new DataView(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength);
  let offset = 0;
  return rows.map((n) => {
    for (let i = 0; i < n * elementsPerRow; i++) {
      if (offset + BYTES_LENGTH_PREFIX > view.byteLength) throw internal(`BYTES output '${tensor.name}' ends before its last row`);
      offset += BYTES_LENGTH_PREFIX + view.getUint32(offset, true);
    }
    if (offset > view.byteLength) throw internal(`BYTES output '${tensor.name}' ends inside an element`);
    return offset;
  });
}

/** Number of complete length-prefixed elements, or undefined when the bytes end inside one. */
function countBytesElements(data: Uint8Array): number | undefined {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let count = 0;
  let offset = 0;
  while (offset < view.byteLength) {
    if (offset + BYTES_LENGTH_PREFIX > view.byteLength) return undefined;
    offset += BYTES_LENGTH_PREFIX + view.getUint32(offset, true);
    if (offset > view.byteLength) return undefined;
    count++;
  }
  return count;
}

const sameDims = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((dim, i) => dim === b[i]);
const describe = (tensor: Tensor) => `'${tensor.name}' ${tensor.datatype} [${tensor.shape.join(',')}]`;
