// Compiles apps/, libs/ and tools/ to dist/ with SWC (decorator metadata on, path aliases rewritten
// to relative requires), so every service runs as plain `node dist/...` with no loader at run time.
// Type checking is `npm run typecheck`; this step only transpiles, and takes about a second.
import { transformFile } from '@swc/core';
import { mkdirSync, readdirSync, writeFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '../..');
const outDir = join(root, 'dist');
const sourceDirs = ['apps', 'libs', 'tools'];
const paths = {
  '@flotilla/*': ['libs/*/src/index.ts'],
};

function* sources(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) yield* sources(full);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') && !entry.name.endsWith('.d.ts')) yield full;
  }
}

const started = Date.now();
let count = 0;
await Promise.all(
  sourceDirs
    .filter((dir) => statSync(join(root, dir), { throwIfNoEntry: false })?.isDirectory())
    .flatMap((dir) => [...sources(join(root, dir))])
    .map(async (file) => {
      const { code, map } = await transformFile(file, {
        sourceMaps: true,
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
          baseUrl: root,
          paths,
        },
        module: { type: 'commonjs' },
      });
      const target = join(outDir, relative(root, file)).replace(/\.ts$/, '.js');
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, `${code}\n//# sourceMappingURL=${target.split('/').pop()}.map\n`);
      if (map) writeFileSync(`${target}.map`, map);
      count++;
    }),
);
console.log(`build: ${count} files → dist/ in ${Date.now() - started} ms`);
