import { invalidArg } from '@flotilla/contracts';
import type { InferParameterMap, InferParameterMessage } from './grpc-messages';

export type ScalarParameters = Record<string, string | number | boolean>;

/**
 * gRPC parameters as the scalars HTTP's JSON parameters are, so one set of rules reads both.
 * 64-bit integers must fit a JS number exactly (±2^53): a rounded priority or timeout would be
 * obeyed wrongly without anyone noticing. Built with Object.fromEntries, so a key named
 * "__proto__" stays an ordinary key.
 */
export function inferParametersToScalars(map: InferParameterMap, owner: string): ScalarParameters {
  return Object.fromEntries(Object.entries(map).map(([key, parameter]) => [key, scalarOf(key, parameter, owner)]));
}

function scalarOf(key: string, parameter: InferParameterMessage, owner: string): string | number | boolean {
  switch (parameter.parameter_choice) {
    case 'bool_param':
      return parameter.bool_param === true;
    case 'string_param':
      return parameter.string_param ?? '';
    case 'double_param':
      return parameter.double_param ?? 0;
    case 'int64_param':
    case 'uint64_param': {
      const text = String(parameter[parameter.parameter_choice] ?? 0);
      const value = Number(text);
      if (!Number.isSafeInteger(value)) throw invalidArg(`parameter '${key}' of ${owner} is ${text}, beyond the integers Flotilla carries exactly (±2^53)`);
      return value;
    }
    default:
      throw invalidArg(`parameter '${key}' of ${owner} has no value: set one of bool_param, int64_param, uint64_param, double_param or string_param`);
  }
}

/** Response parameters (JSON scalars) as gRPC parameters: integers as int64, other numbers as double. */
export function scalarsToInferParameters(parameters: Record<string, unknown> | undefined): InferParameterMap {
  if (!parameters) return {};
  return Object.fromEntries(
    Object.entries(parameters).map(([key, value]): [string, InferParameterMessage] => {
      if (typeof value === 'boolean') return [key, { bool_param: value }];
      if (typeof value === 'number') return [key, Number.isSafeInteger(value) ? { int64_param: value } : { double_param: value }];
      return [key, { string_param: String(value) }];
    }),
  );
}
