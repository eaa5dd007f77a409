import { dataTypeToDatatype, type ModelConfig } from '@flotilla/model-config';
import type { ModelSignature } from '@flotilla/execution';

/** What a slot's thread validates requests against: the config's tensors, in the wire's datatypes. */
export function tensorsOf(config: ModelConfig): ModelSignature {
  return {
    name: config.name,
    max_batch_size: config.max_batch_size,
    input: config.input.map((input) => ({
      name: input.name,
      datatype: dataTypeToDatatype(input.data_type),
      dims: input.dims,
      optional: input.optional,
    })),
    output: config.output.map((output) => ({ name: output.name })),
  };
}
