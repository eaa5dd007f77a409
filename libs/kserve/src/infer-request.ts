import type { Tensor } from '@flotilla/contracts';

/** An output the client asked for, with the parameters it attached to it. */
export interface RequestedOutput {
  readonly name: string;
  /** The output's own `binary_data` parameter; when absent the request-level setting applies. */
  readonly binary?: boolean;
  readonly parameters: Record<string, unknown>;
}

/**
 * An inference request as it arrived over HTTP, with every input already converted to raw
 * little-endian bytes. Parameter values are always JSON scalars (string, number or boolean).
 */
export interface InferRequest {
  readonly id?: string;
  readonly parameters: Record<string, unknown>;
  readonly inputs: Tensor[];
  /** Empty when the client asked for no particular outputs, meaning "all of them". */
  readonly outputs: RequestedOutput[];
  /** The request-level `binary_data_output` parameter (true for raw binary requests). */
  readonly binaryDataOutput: boolean;
}
