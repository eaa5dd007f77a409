import type { Tensor } from '@flotilla/contracts';
import { bytesToJsonDataText } from '../bytes-to-json-data';

/**
 * Test support: builds an HTTP inference request body carrying `tensors`, either as JSON `data`
 * or as binary data after the JSON header, the way a Triton client would. 64-bit integers beyond
 * 2^53 go as strings of digits, which JSON.parse cannot round.
 */
export function requestBody(
  tensors: readonly Tensor[],
  mode: 'json' | 'binary',
  extra: Record<string, unknown> = {},
): { body: Buffer; headerLength: number | undefined } {
  const inputs = tensors.map((tensor) => {
    const head = `"name":${JSON.stringify(tensor.name)},"datatype":"${tensor.datatype}","shape":${JSON.stringify(tensor.shape)}`;
    return mode === 'json'
      ? `{${head},"data":${bytesToJsonDataText(tensor, { bigIntegers: 'string' })}}`
      : `{${head},"parameters":{"binary_data_size":${tensor.data.byteLength}}}`;
  });
  const extraFields = Object.entries(extra).map(([key, value]) => `,${JSON.stringify(key)}:${JSON.stringify(value)}`);
  const header = Buffer.from(`{"inputs":[${inputs.join(',')}]${extraFields.join('')}}`);
  if (mode === 'json') return { body: header, headerLength: undefined };
  return { body: Buffer.concat([header, ...tensors.map((tensor) => tensor.data)]), headerLength: header.byteLength };
}

export const jsonBody = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));

/** Raw little-endian bytes from a typed array, as a tensor's `data`. */
export const bytesOf = (array: ArrayBufferView): Uint8Array => new Uint8Array(array.buffer, array.byteOffset, array.byteLength);

/** BYTES tensor data from strings. */
export function bytesElements(...elements: string[]): Uint8Array {
  return Buffer.concat(
    elements.map((element) => {
      const utf8 = Buffer.from(element);
      const length = Buffer.alloc(4);
      length.writeUInt32LE(utf8.byteLength);
      return Buffer.concat([length, utf8]);
    }),
  );
}
