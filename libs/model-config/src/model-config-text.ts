import { MODEL_CONFIG_SCHEMA } from './model-config.schema';
import type { ModelConfig } from './model-config.types';
import { withDefaults } from './pbtxt/defaults';
import { readJsonMessage } from './pbtxt/from-json';
import { parseText } from './pbtxt/parser';
import { renderText } from './pbtxt/render';

/**
 * Parses a config.pbtxt into a ModelConfig with every absent field defaulted. Throws
 * PbtxtParseError (INVALID_ARG) naming `file:line:column` for syntax errors, unknown fields and
 * values of the wrong type. It does not normalise or validate: see normalizeModelConfig and
 * validateModelConfig.
 */
export function parseModelConfig(text: string, file = 'config.pbtxt'): ModelConfig {
  return withDefaults(MODEL_CONFIG_SCHEMA, parseText(text, MODEL_CONFIG_SCHEMA, file)) as unknown as ModelConfig;
}

/** Canonical pbtxt for a config; parseModelConfig(renderPbtxt(c)) deep-equals c. */
export function renderPbtxt(config: ModelConfig): string {
  return renderText(MODEL_CONFIG_SCHEMA, config as unknown as Record<string, unknown>);
}

/**
 * The config as Triton's `GET /v2/models/<m>/config` shows it: snake_case, enums by name, every
 * primitive field printed even at its default, unset messages left out. A fresh object, safe to
 * serialise or mutate.
 */
export function modelConfigToJson(config: ModelConfig): Record<string, unknown> {
  return withDefaults(MODEL_CONFIG_SCHEMA, config as unknown as Record<string, unknown>);
}

/**
 * Reads a config in Triton's JSON form (the load API's `config` parameter, or what
 * `GET /v2/models/<m>/config` printed) into a ModelConfig with every absent field defaulted.
 * Throws INVALID_ARG naming the field for unknown fields, wrong types and unknown enum names.
 */
export function modelConfigFromJson(value: unknown): ModelConfig {
  return withDefaults(MODEL_CONFIG_SCHEMA, readJsonMessage(MODEL_CONFIG_SCHEMA, value)) as unknown as ModelConfig;
}
