import { invalidArg, unsupported } from '@flotilla/contracts';

/**
 * Parameters Triton defines for features Flotilla does not have. A request that uses one is
 * refused, over HTTP and gRPC alike, rather than answered as if the parameter had been obeyed.
 */
export function refuseUnsupportedInputParameters(parameters: Record<string, unknown>, owner: string): void {
  if (parameters.shared_memory_region !== undefined) throw unsupported(`${owner} uses shared memory, which Flotilla does not support`);
}

export function refuseUnsupportedOutputParameters(parameters: Record<string, unknown>, owner: string): void {
  for (const name of ['shared_memory_region', 'classification']) {
    if (parameters[name] !== undefined) throw unsupported(`${owner} asks for '${name}', which Flotilla does not support`);
  }
}

/**
 * Parameters of HTTP's binary tensor extension (`binary_data_output`, `binary_data`,
 * `binary_data_size`) mean nothing over gRPC, where tensors always travel as raw bytes: a gRPC
 * request carrying one is refused, so the client learns it had no effect.
 */
export function refuseHttpOnlyParameters(parameters: Record<string, unknown>, names: readonly string[], owner: string): void {
  for (const name of names) {
    if (parameters[name] !== undefined) {
      throw invalidArg(`parameter '${name}' of ${owner} belongs to HTTP's binary tensor extension; over gRPC tensors travel in raw_input_contents / raw_output_contents`);
    }
  }
}

/** Triton's text for a name given twice, for inputs and outputs alike. */
export function assertUniqueNames(names: readonly string[], kind: 'input' | 'output'): void {
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) throw invalidArg(`${kind} '${name}' already exists in request`);
    seen.add(name);
  }
}
