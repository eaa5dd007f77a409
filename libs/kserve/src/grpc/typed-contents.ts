import { elementCount, invalidArg, type Datatype } from '@flotilla/contracts';
import { frameBytesElement } from '../bytes-elements';
import { jsonDataToBytes } from '../json-data-to-bytes';
import type { InferTensorContentsMessage } from './grpc-messages';

export type ContentsField = keyof InferTensorContentsMessage;

const CONTENTS_FIELDS: readonly ContentsField[] = [
  'bool_contents',
  'int_contents',
  'int64_contents',
  'uint_contents',
  'uint64_contents',
  'fp32_contents',
  'fp64_contents',
  'bytes_contents',
];

/** Which list of InferTensorContents holds a datatype's elements; FP16 and BF16 have none. */
const FIELD_OF: Record<Datatype, ContentsField | undefined> = {
  BOOL: 'bool_contents',
  INT8: 'int_contents',
  INT16: 'int_contents',
  INT32: 'int_contents',
  INT64: 'int64_contents',
  UINT8: 'uint_contents',
  UINT16: 'uint_contents',
  UINT32: 'uint_contents',
  UINT64: 'uint64_contents',
  FP32: 'fp32_contents',
  FP64: 'fp64_contents',
  BYTES: 'bytes_contents',
  FP16: undefined,
  BF16: undefined,
};

/** The typed-content lists a message filled (non-empty); a tensor may use one at most. */
export function filledContentsFields(contents: InferTensorContentsMessage | null | undefined): ContentsField[] {
  if (!contents) return [];
  return CONTENTS_FIELDS.filter((field) => (contents[field]?.length ?? 0) > 0);
}

/**
 * An input's typed `contents` as the raw little-endian bytes Flotilla carries. The list must be the
 * one the datatype calls for, and its values go through the same element checks as HTTP's JSON
 * `data` (an INT8 of 300 is refused, not wrapped; INT64 keeps all 64 bits).
 */
export function typedContentsToBytes(contents: InferTensorContentsMessage | null | undefined, datatype: Datatype, shape: readonly number[], name: string): Uint8Array {
  const expected = FIELD_OF[datatype];
  const filled = filledContentsFields(contents);
  const stray = filled.filter((field) => field !== expected);
  if (stray.length > 0) {
    const home = expected ? `contents.${expected}` : `raw_input_contents (${datatype} has no typed contents)`;
    throw invalidArg(`input '${name}' has datatype ${datatype}, whose elements go in ${home}, but the request filled contents.${stray.join(', contents.')}`);
  }
  const count = elementCount(shape);
  if (filled.length === 0 && count > 0) {
    const where = expected ? `contents.${expected} or raw_input_contents` : 'raw_input_contents';
    throw invalidArg(`input '${name}' has no data: its ${count} ${datatype} element(s) belong in ${where}`);
  }
  if (!expected || !contents) return new Uint8Array(0);
  if (datatype === 'BYTES') return bytesElements(contents.bytes_contents, count, name);
  return jsonDataToBytes(contents[expected], datatype, count, name);
}

/** BYTES elements, each framed with its 4-byte length, in one buffer. */
function bytesElements(elements: readonly Uint8Array[], count: number, name: string): Uint8Array {
  if (elements.length !== count) throw invalidArg(`unexpected number of elements for input '${name}': expected ${count}, got ${elements.length}`);
  return Buffer.concat(elements.map(frameBytesElement));
}
