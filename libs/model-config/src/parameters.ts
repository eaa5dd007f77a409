import type { ModelConfig } from './model-config.types';

/** A `parameters { key: ... value { string_value: ... } }` entry's value, if the config sets it. */
export function getParameter(config: ModelConfig, key: string): string | undefined {
  return Object.hasOwn(config.parameters, key) ? config.parameters[key].string_value : undefined;
}
