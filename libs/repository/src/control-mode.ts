import { invalidArg } from '@flotilla/contracts';

/**
 * Triton's model control modes (triton-spec §4.5):
 * - `none`: every model is loaded at start; the repository is not read again, and the load and
 *   unload API is refused;
 * - `poll`: like `none`, then the repository is read again every `--repository-poll-secs` and
 *   models that were added, changed or removed are loaded, reloaded or unloaded;
 * - `explicit`: only the `--load-model` models are loaded at start; the load and unload API
 *   decides the rest.
 */
export type ModelControlMode = 'none' | 'poll' | 'explicit';

/** Triton's answer to load and unload in modes `none` and `poll` (the same text in both). */
export const MODEL_CONTROL_DISABLED = 'explicit model load / unload is not allowed if polling is enabled';

export function parseModelControlMode(text: string): ModelControlMode {
  if (text === 'none' || text === 'poll' || text === 'explicit') return text;
  throw invalidArg(`unexpected value for --model-control-mode: '${text}'; expected none, poll or explicit`);
}

/**
 * The models to load at start, from the repository's model directories. `--load-model` is
 * explicit mode's flag; in another mode it would be accepted and ignored, so it is refused.
 * `*` loads every model and must then be the only `--load-model` (Triton's text).
 */
export function startupModels(mode: ModelControlMode, loadModels: readonly string[], available: readonly string[]): string[] {
  if (mode !== 'explicit') {
    if (loadModels.length > 0) throw invalidArg(`--load-model is only used with --model-control-mode=explicit (the mode is '${mode}', which loads every model)`);
    return [...available];
  }
  if (loadModels.includes('*')) {
    if (loadModels.length > 1) throw invalidArg("Wildcard model name '*' must be the ONLY startup model if specified at all.");
    return [...available];
  }
  return [...new Set(loadModels)];
}
