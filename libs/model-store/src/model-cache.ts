import { createHash, randomBytes } from 'node:crypto';
import { chmod, copyFile, link, mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ManifestFile, VersionManifest } from '@flotilla/contracts';
import { digestHex, sha256Digest } from './digest';
import { checkManifestPath } from './manifest-path';

/** A fetched file that is not what its manifest says: the message names what arrived instead. */
export class DigestMismatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DigestMismatchError';
  }
}

/**
 * An executor's own copy of the model files it fetched, on its disk, by content:
 *
 *   <dir>/blobs/sha256/<hex>            one file per digest, verified before it got its name
 *   <dir>/versions/<manifest hex>/…     a version folder as the backend expects it, its files
 *                                       hard links to the blobs (the model file, ONNX external
 *                                       data beside it, a model.js' own files)
 *   <dir>/tmp/<pid>/                    writes in progress; renamed into place when complete
 *
 * A blob exists only once its whole content was written and its digest checked, so a crash
 * mid-fetch leaves at most a file in tmp/ (cleared by the next executor that opens the cache),
 * never a wrong blob; a version folder appears complete or not at all. Executors of one host may
 * share the folder: each writes in its own tmp/<pid>/, and renames are atomic. Nothing here is ever modified: a changed file is
 * another digest, so a reload that changes only a config finds every blob already here.
 */
export class ModelCache {
  private constructor(
    readonly dir: string,
    private readonly tmp: string,
  ) {}

  static async open(dir: string): Promise<ModelCache> {
    for (const sub of ['blobs/sha256', 'versions', 'tmp']) await mkdir(join(dir, sub), { recursive: true });
    // Writes left by executors that are gone (a crash mid-fetch) are of no use to anyone.
    for (const entry of await readdir(join(dir, 'tmp'))) {
      if (!isRunning(Number(entry))) await rm(join(dir, 'tmp', entry), { recursive: true, force: true });
    }
    const tmp = join(dir, 'tmp', String(process.pid));
    await mkdir(tmp, { recursive: true });
    return new ModelCache(dir, tmp);
  }

  blobPath(digest: string): string {
    return join(this.dir, 'blobs', 'sha256', digestHex(digest));
  }

  /** Whether the file is here already (checked when it was written; its size is checked again). */
  async has(file: ManifestFile): Promise<boolean> {
    const info = await stat(this.blobPath(file.digest)).catch(() => undefined);
    return info?.isFile() === true && info.size === file.size;
  }

  /**
   * Writes a file's content as it arrives, hashing it on the way, and gives it its name only if
   * its size and digest are the manifest's; otherwise nothing is kept and DigestMismatchError
   * says what came instead. Each chunk is written before the next is taken from `chunks`.
   */
  async store(file: ManifestFile, chunks: AsyncIterable<Uint8Array>): Promise<void> {
    const target = this.blobPath(file.digest);
    const partial = join(this.tmp, `${digestHex(file.digest)}.${randomBytes(4).toString('hex')}`);
    const hash = createHash('sha256');
    let size = 0;
    const out = await open(partial, 'wx');
    try {
      for await (const chunk of chunks) {
        size += chunk.byteLength;
        if (size > file.size) throw new DigestMismatchError(`the model store sent more than the ${file.size} bytes the manifest lists`);
        hash.update(chunk);
        await out.write(chunk);
      }
      await out.sync();
    } catch (error) {
      await out.close();
      await rm(partial, { force: true });
      throw error;
    }
    await out.close();
    const digest = sha256Digest(hash);
    if (size !== file.size || digest !== file.digest) {
      await rm(partial, { force: true });
      throw new DigestMismatchError(`the model store sent ${size} bytes with digest ${digest}, not the ${file.size} bytes with ${file.digest} the manifest lists`);
    }
    await chmod(partial, 0o444);
    await rename(partial, target);
  }

  /**
   * The version's folder made of cached blobs (every file must be cached already), created once
   * per manifest and reused by every slot and every reload that keeps the same files. Returns
   * the path of the file the backend loads.
   */
  async versionFolder(manifest: VersionManifest): Promise<string> {
    const folder = join(this.dir, 'versions', digestHex(manifest.digest));
    const modelPath = join(folder, ...checkManifestPath(manifest.model));
    if (await stat(folder).catch(() => undefined)) return modelPath;
    const building = join(this.tmp, `version-${digestHex(manifest.digest)}.${randomBytes(4).toString('hex')}`);
    for (const file of manifest.files) {
      const target = join(building, ...checkManifestPath(file.path));
      await mkdir(dirname(target), { recursive: true });
      // A hard link shares the blob's disk blocks; copied only where links are refused.
      await link(this.blobPath(file.digest), target).catch(() => copyFile(this.blobPath(file.digest), target));
    }
    await mkdir(building, { recursive: true }); // a version with no file still gets its (empty) folder
    try {
      await rename(building, folder);
    } catch (error) {
      // Another slot of the same version finished first: its folder is the same.
      await rm(building, { recursive: true, force: true });
      if (!(await stat(folder).catch(() => undefined))) throw error;
    }
    return modelPath;
  }
}

function isRunning(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // someone else's process: alive
  }
}
