import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, sep } from 'node:path';
import { internal } from '@flotilla/contracts';
import type { FileOverride } from './file-override-path';

/**
 * Writes a load request's `file:` overrides into a private folder of their own, never into the
 * user's repository: `<tmp>/flotilla-override-XXXX/<model>/<version>/<path>`. The folder is new and
 * holds nothing but these files, so no path can meet a symbolic link; each path was already checked
 * to be plain (parseFileOverridePath), and where it lands is checked again before anything is
 * written. Returns the model folder.
 */
export async function materializeOverrides(model: string, files: readonly FileOverride[]): Promise<string> {
  const base = await realpath(await mkdtemp(join(tmpdir(), 'flotilla-override-')));
  const modelDir = join(base, model);
  try {
    const targets = files.map((file) => ({ file, target: join(modelDir, String(file.version), ...file.path.split('/')) }));
    for (const { file, target } of targets) {
      if (!target.startsWith(modelDir + sep)) throw internal(`file override ${file.version}/${file.path} resolves outside ${modelDir}`);
    }
    for (const { file, target } of targets) {
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, file.contents, { flag: 'wx' }); // never overwrite, never follow an existing link
    }
    return modelDir;
  } catch (error) {
    await rm(base, { recursive: true, force: true }); // a refused request leaves nothing behind
    throw error;
  }
}

/**
 * Removes a private override folder once nothing uses it (its model was reloaded from elsewhere,
 * unloaded, or failed to load). Only ever a folder materializeOverrides made: anything else is left alone.
 */
export async function discardOverrides(modelDir: string): Promise<void> {
  const base = dirname(modelDir);
  if (!basename(base).startsWith('flotilla-override-') || dirname(base) !== (await realpath(tmpdir()))) return;
  await rm(base, { recursive: true, force: true });
}
