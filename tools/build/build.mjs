// Compiles apps/, libs/ and tools/ to dist/ with SWC (decorator metadata on, path aliases rewritten
// to relative requires), so every service runs as plain `node dist/...` with no loader at run time.
// Type checking is `npm run typecheck`; this step only transpiles, and takes about a second.
import { transformFile } from '@swc/core';
import { copyFileSync, mkdirSync, readdirSync, writeFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '../..');
const outDir = join(root, 'dist');
const sourceDirs = ['apps', 'libs', 'tools'];
const paths = {
  '@flotilla/*': ['libs/*/src/index.ts'],
};

function* filesEndingIn(dir, suffix) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) yield* filesEndingIn(full, suffix);
    else if (entry.name.endsWith(suffix)) yield full;
  }
}

const sources = (dir) => [...filesEndingIn(dir, '.ts')].filter((file) => !file.endsWith('.spec.ts') && !file.endsWith('.d.ts'));

const started = Date.now();
let count = 0;
await Promise.all(
  sourceDirs
    .filter((dir) => statSync(join(root, dir), { throwIfNoEntry: false })?.isDirectory())
    .flatMap((dir) => sources(join(root, dir)))
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
// Protocol files are read at run time (the gRPC loader parses them), so they travel beside the code.
for (const file of filesEndingIn(join(root, 'libs'), '.proto')) {
  const target = join(outDir, relative(root, file));
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(file, target);
}
console.log(`build: ${count} files → dist/ in ${Date.now() - started} ms`);
