import { invalidArg } from '@flotilla/contracts';
import { isJsonObject } from './json-values';

/**
 * Validates a `parameters` object from the request JSON. Triton's parameters are scalars; holding
 * to that means nothing downstream ever meets a nested (possibly hostile) structure.
 * The parsed object is returned as it is, never copied key by key: copying a JSON "__proto__" key
 * by assignment would set a prototype instead of a property.
 */
export function parseParameters(value: unknown, owner: string): Record<string, unknown> {
  if (value === undefined) return {};
  if (!isJsonObject(value)) throw invalidArg(`'parameters' of ${owner} must be a JSON object`);
  for (const key of Object.keys(value)) {
    const type = typeof value[key];
    if (type !== 'string' && type !== 'number' && type !== 'boolean') {
      throw invalidArg(`parameter '${key}' of ${owner} must be a string, number or boolean`);
    }
  }
  return value;
}

/** A parameter that must be a boolean when present. */
export function booleanParameter(parameters: Record<string, unknown>, key: string, owner: string): boolean | undefined {
  const value = parameters[key];
  if (value === undefined || typeof value === 'boolean') return value;
  throw invalidArg(`parameter '${key}' of ${owner} must be a boolean`);
}

/** A parameter that must be a non-negative integer when present. */
export function sizeParameter(parameters: Record<string, unknown>, key: string, owner: string): number | undefined {
  const value = parameters[key];
  if (value === undefined) return undefined;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  throw invalidArg(`parameter '${key}' of ${owner} must be a non-negative integer`);
}
