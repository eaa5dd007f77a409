import { stat } from 'node:fs/promises';
import { digestFile } from './digest';

interface Remembered {
  readonly size: number;
  readonly mtimeMs: number;
  readonly ino: number;
  readonly digest: string;
}

/**
 * Files' digests, computed once per content: a file whose size, modification time and inode are
 * what they were when it was last read keeps its digest, so a reload that changes only a config
 * (or a poll of an unchanged folder) reads no model file again. A file rewritten in place within
 * the same millisecond at the same size would go unnoticed; model files are replaced, not patched.
 */
export class FileDigests {
  private readonly known = new Map<string, Remembered>();

  async of(path: string): Promise<{ digest: string; size: number }> {
    const before = await stat(path);
    const remembered = this.known.get(path);
    if (remembered && remembered.size === before.size && remembered.mtimeMs === before.mtimeMs && remembered.ino === before.ino) return remembered;
    const { digest, size } = await digestFile(path);
    // Remembered only if the file did not change while it was read.
    const after = await stat(path);
    if (after.size === before.size && after.mtimeMs === before.mtimeMs && after.ino === before.ino && size === before.size) {
      this.known.set(path, { size, mtimeMs: before.mtimeMs, ino: before.ino, digest });
    }
    return { digest, size };
  }
}
