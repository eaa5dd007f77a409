import { invalidArg } from '@flotilla/contracts';
import type { RequestedOutput } from './infer-request';
import { describeJsonValue, isJsonObject } from './json-values';
import { assertUniqueNames, refuseUnsupportedOutputParameters } from './parameter-rules';
import { booleanParameter, parseParameters } from './parameters';

/** Decodes the request's optional `outputs` array; absent means "every output, as the request says". */
export function parseRequestedOutputs(value: unknown): RequestedOutput[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw invalidArg(`'outputs' of the request must be an array, got ${describeJsonValue(value)}`);
  const outputs = value.map((raw: unknown, index): RequestedOutput => {
    if (!isJsonObject(raw)) throw invalidArg(`output ${index} of the request must be a JSON object, got ${describeJsonValue(raw)}`);
    const { name } = raw;
    if (typeof name !== 'string') throw invalidArg(`output ${index} of the request has no 'name' string`);
    const owner = `output '${name}'`;
    const parameters = parseParameters(raw.parameters, owner);
    refuseUnsupportedOutputParameters(parameters, owner);
    const binary = booleanParameter(parameters, 'binary_data', owner);
    return binary === undefined ? { name, parameters } : { name, binary, parameters };
  });
  assertUniqueNames(outputs.map((output) => output.name), 'output');
  return outputs;
}
