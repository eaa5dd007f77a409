import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const SHARED_MEMORY_DIR = '/dev/shm';
const ID_FILE = 'flotilla-shared-memory-id';

/**
 * An id for the shared-memory folder this process sees: the first process to ask writes a random
 * id into it, every later one reads the same id. Two processes with equal ids share the folder —
 * a sounder test than equal host names, which containers and network namespaces make unreliable.
 * Undefined when the folder cannot be used (no /dev/shm, read-only, …).
 */
export function sharedMemoryId(dir = SHARED_MEMORY_DIR): string | undefined {
  const path = join(dir, ID_FILE);
  try {
    // 'wx': create only if absent, so two racing processes cannot end with different ids.
    writeFileSync(path, randomUUID(), { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return undefined;
  }
  try {
    const id = readFileSync(path, 'utf8').trim();
    return id.length > 0 ? id : undefined;
  } catch {
    return undefined;
  }
}
