import { dataTypeToDatatype, type ModelConfig } from '@flotilla/model-config';
import type { ModelSignature } from './validate-inputs';

/**
 * What requests are validated against: the config's tensors, in the wire's datatypes. The gateway
 * checks every request with it before the first hop, and each slot's thread again (a cheap guard).
 */
export function modelSignatureOf(config: ModelConfig): ModelSignature {
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
