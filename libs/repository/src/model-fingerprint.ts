import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * What a poll compares to tell that a model folder changed: its config.pbtxt text, and every
 * entry of its version folders with size and modification time (followed through symbolic links,
 * so a re-linked model file counts). Unreadable parts read as absent rather than failing the poll.
 */
export async function modelFingerprint(dir: string): Promise<string> {
  const config = await readFile(join(dir, 'config.pbtxt'), 'utf8').catch(() => '<no config.pbtxt>');
  const parts: string[] = [config];
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (!/^\d+$/.test(entry.name)) continue;
    const files = await readdir(join(dir, entry.name)).catch(() => [] as string[]);
    for (const file of files.sort()) {
      const info = await stat(join(dir, entry.name, file)).catch(() => undefined);
      parts.push(`${entry.name}/${file} ${info?.size ?? '?'} ${info?.mtimeMs ?? '?'}`);
    }
  }
  return parts.join('\n');
}

/** The model folders of a repository: directories, hidden ones skipped, sorted. */
export async function listModelDirectories(repository: string): Promise<string[]> {
  const entries = await readdir(repository, { withFileTypes: true });
  return entries.filter((entry) => entry.isDirectory() && !entry.name.startsWith('.')).map((entry) => entry.name).sort();
}
