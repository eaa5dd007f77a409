import { createHash } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ManifestFile, ModelVersionRecord, VersionManifest } from '@flotilla/contracts';
import { sha256Digest } from './digest';
import { FileDigests } from './file-digests';

/**
 * The manifest of one version folder: every regular file under it (symbolic links followed, as
 * the backend would follow them; sockets and the like skipped), by path relative to the folder,
 * with its digest and size. `model` is the file the backend loads, which must be among them.
 */
export async function buildVersionManifest(dir: string, model: string, digests: FileDigests = new FileDigests()): Promise<VersionManifest> {
  const files: ManifestFile[] = [];
  for (const path of await regularFiles(dir, '')) {
    const { digest, size } = await digests.of(join(dir, ...path.split('/')));
    files.push({ path, digest, size });
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  if (!files.some((file) => file.path === model)) throw new Error(`model file '${model}' is not a regular file in ${dir}`);
  return { digest: manifestDigest(files), dir, model, files };
}

/** The digest of a file list: equal lists (paths, digests, sizes, in path order) give equal digests. */
export function manifestDigest(files: readonly ManifestFile[]): string {
  const hash = createHash('sha256');
  for (const file of files) hash.update(`${file.digest} ${file.size} ${file.path}\n`);
  return sha256Digest(hash);
}

async function regularFiles(dir: string, prefix: string): Promise<string[]> {
  const found: string[] = [];
  const entries = await readdir(dir, { withFileTypes: true });
  for (const entry of entries) {
    const full = join(dir, entry.name);
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    const info = entry.isSymbolicLink() ? await stat(full).catch(() => undefined) : entry;
    if (info?.isDirectory()) found.push(...(await regularFiles(full, relative)));
    else if (info?.isFile()) found.push(relative);
  }
  return found;
}

/**
 * What a version's instances are loaded from, for instance signatures: its model file's path and
 * its files' content. A reload that changes a model file changes it, so the executors load new
 * instances (Triton reloads such a model in full) rather than keep those of the old file.
 */
export function versionSource(version: Pick<ModelVersionRecord, 'path' | 'manifest'>): string {
  return version.manifest ? `${version.path} ${version.manifest.digest}` : version.path;
}
