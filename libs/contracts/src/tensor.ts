import type { Datatype } from './datatypes';

/** Name, type and shape of a tensor, without its contents. */
export interface TensorDescriptor {
  readonly name: string;
  readonly datatype: Datatype;
  readonly shape: readonly number[];
}

/**
 * A tensor as Flotilla moves it between processes: its contents are the raw little-endian bytes
 * (BYTES: 4-byte length-prefixed elements). `data` may be a view into a larger buffer; never assume
 * `data.byteOffset === 0`.
 */
export interface Tensor extends TensorDescriptor {
  readonly data: Uint8Array;
}
