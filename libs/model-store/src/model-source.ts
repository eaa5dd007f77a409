/**
 * Where an executor reads a model version's files:
 * - `files`: the repository's folder, at the paths its records name (same host, or a shared disk);
 * - `bus`:   the model store (JetStream object store), into its own cache, by digest;
 * - `auto`:  the repository's folder when every file is there with the manifest's digest, the
 *            model store otherwise (another host, a folder that changed since it was read).
 */
export const MODEL_SOURCES = ['auto', 'files', 'bus'] as const;
export type ModelSourceMode = (typeof MODEL_SOURCES)[number];

export function parseModelSource(text: string): ModelSourceMode {
  if ((MODEL_SOURCES as readonly string[]).includes(text)) return text as ModelSourceMode;
  throw new Error(`--model-source must be ${MODEL_SOURCES.join(', ')}; got '${text}'`);
}

/** The model store's bucket unless --model-store-bucket names another (repository and executors alike). */
export const DEFAULT_MODEL_STORE_BUCKET = 'flotilla-models';
