import { execFileSync } from 'node:child_process';

/**
 * The end-to-end tests run the services as real processes from dist/, so build first (about a
 * second; `npm test` has usually just done it).
 */
export default function setup(): void {
  execFileSync(process.execPath, ['tools/build/build.mjs'], { stdio: 'inherit' });
}
