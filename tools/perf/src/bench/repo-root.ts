import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The repository root, found upwards from this file (it runs from dist/tools/perf/src/bench). */
export function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json')) || existsSync(join(dir, 'project.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the Flotilla repository root');
    dir = parent;
  }
  return dir;
}
