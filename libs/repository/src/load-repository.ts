import { readdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { FlotillaError, type ModelRecord } from '@flotilla/contracts';
import { loadModelDirectory, type RepositoryEnvironment } from './load-model-directory';

/**
 * Loads every model directory of a repository (Triton's control mode `none`). Hidden entries and
 * plain files are skipped. Fails only when the repository itself cannot be read.
 */
export async function loadRepository(repository: string, env: RepositoryEnvironment): Promise<ModelRecord[]> {
  const root = resolve(repository);
  let entries;
  try {
    entries = await readdir(root, { withFileTypes: true });
  } catch (error) {
    throw new FlotillaError('INVALID_ARG', `failed to read model repository ${root}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const names = entries.filter((entry) => entry.isDirectory() && !entry.name.startsWith('.')).map((entry) => entry.name).sort();
  return Promise.all(names.map((name) => loadModelDirectory(root, name, env)));
}
