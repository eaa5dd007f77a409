import { invalidArg } from '@flotilla/contracts';

/**
 * Request parameters of Triton's sequence batcher. Flotilla has none (a config with
 * `sequence_batching` is refused at load), so a request that names a sequence is refused rather
 * than run as if it were stateless. Triton reads 0 / "" / false as "no sequence", so those pass.
 */
const SEQUENCE_PARAMETERS = ['sequence_id', 'sequence_start', 'sequence_end'] as const;

export function refuseSequenceParameters(parameters: Readonly<Record<string, unknown>>): void {
  for (const name of SEQUENCE_PARAMETERS) {
    const value = parameters[name];
    if (value === undefined || value === 0 || value === '' || value === false) continue;
    throw invalidArg(`parameter '${name}' is not supported: Flotilla has no sequence batcher, so requests cannot belong to a sequence`);
  }
}
