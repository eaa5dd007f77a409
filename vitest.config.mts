// One Vitest run covers the workspace: a project per Nx project (its *.spec.ts unit tests) and the
// end-to-end suite in test/, which starts real nats-server and service processes and so runs its
// files one at a time.
import { readdirSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

const roots = ['apps', 'libs', 'tools'].flatMap((dir) =>
  readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, 'project.json')))
    .map((entry) => join(dir, entry.name)),
);

// SWC, because esbuild emits no decorator metadata and Nest's dependency injection needs it.
const plugins = [swc.vite({ module: { type: 'es6' } })];

export default defineConfig({
  test: {
    // `nx test <project>` runs `vitest run --project <project>`, and some projects (most app shells,
    // telemetry, repository) have no spec files yet.
    passWithNoTests: true,
    projects: [
      ...roots.map((root) => ({
        plugins,
        resolve: { alias: aliases() },
        test: {
          name: JSON.parse(readFileSync(join(root, 'project.json'), 'utf8')).name as string,
          include: [`${root}/src/**/*.spec.ts`],
          globals: true,
        },
      })),
      {
        plugins,
        resolve: { alias: aliases() },
        test: {
          name: 'e2e',
          include: ['test/**/*.e2e.spec.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          globals: true,
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});

function aliases(): Record<string, string> {
  const paths = JSON.parse(readFileSync('tsconfig.base.json', 'utf8')).compilerOptions.paths as Record<string, string[]>;
  return Object.fromEntries(Object.entries(paths).map(([name, [target]]) => [name, join(process.cwd(), target)]));
}
