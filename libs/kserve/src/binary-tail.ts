import { invalidArg } from '@flotilla/contracts';

/**
 * The raw tensor bytes that follow the JSON header of a binary-data request. Inputs with a
 * `binary_data_size` take their bytes from it in input order, as zero-copy views of the body.
 */
export class BinaryTail {
  private offset: number;

  constructor(
    private readonly body: Buffer,
    private readonly start: number,
  ) {
    this.offset = start;
  }

  take(size: number, inputName: string): Buffer {
    const remaining = this.body.byteLength - this.offset;
    if (size > remaining) {
      throw invalidArg(
        `binary_data_size of input '${inputName}' is ${size} bytes, but only ${remaining} bytes of binary data remain in the request body`,
      );
    }
    const bytes = this.body.subarray(this.offset, this.offset + size);
    this.offset += size;
    return bytes;
  }

  /** Leftover bytes mean the client's sizes and its body disagree: refuse rather than guess. */
  assertFullyConsumed(): void {
    if (this.offset === this.body.byteLength) return;
    const total = this.body.byteLength - this.start;
    throw invalidArg(
      `the request has ${total} bytes of binary data after the JSON header, but the inputs' binary_data_size parameters add up to ${this.offset - this.start}`,
    );
  }
}
