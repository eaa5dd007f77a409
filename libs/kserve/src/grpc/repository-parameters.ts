import { invalidArg } from '@flotilla/contracts';
import type { LoadParameterValue } from '@flotilla/repository';

/** gRPC's ModelRepositoryParameter as proto-loader decodes it (`oneofs: true`, longs as strings). */
export interface RepositoryParameterMessage {
  parameter_choice?: 'bool_param' | 'int64_param' | 'string_param' | 'bytes_param';
  bool_param?: boolean;
  int64_param?: string | number;
  string_param?: string;
  bytes_param?: Uint8Array;
}

/**
 * A load or unload request's parameters as the same values HTTP's JSON gives: bool, number,
 * string, and bytes (gRPC's way to send a `file:` override without base64). A parameter with no
 * value set is refused naming it.
 */
export function repositoryParameters(parameters: Readonly<Record<string, RepositoryParameterMessage>> | undefined): Record<string, LoadParameterValue> {
  const result: Record<string, LoadParameterValue> = {};
  for (const [key, parameter] of Object.entries(parameters ?? {})) {
    let value: LoadParameterValue;
    switch (parameter.parameter_choice) {
      case 'bool_param':
        value = parameter.bool_param ?? false;
        break;
      case 'int64_param':
        value = Number(parameter.int64_param ?? 0);
        break;
      case 'string_param':
        value = parameter.string_param ?? '';
        break;
      case 'bytes_param':
        value = parameter.bytes_param ?? new Uint8Array();
        break;
      default:
        throw invalidArg(`repository parameter '${key}' has no value: set one of bool_param, int64_param, string_param or bytes_param`);
    }
    Object.defineProperty(result, key, { value, enumerable: true });
  }
  return result;
}
