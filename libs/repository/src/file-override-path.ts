import { invalidArg } from '@flotilla/contracts';

/** One `file:<version>/<path>` of a load request: where in the model folder, and what. */
export interface FileOverride {
  readonly version: number;
  /** Relative to the version folder, `/`-separated, every segment a plain name. */
  readonly path: string;
  readonly contents: Uint8Array;
}

/**
 * The place a `file:` load parameter writes to, checked so that it can only ever name a file inside
 * the model's own version folder: the version is a positive number without leading zeros (Triton's
 * version folders), and the path is relative with plain segments — no `..`, no `.`, no empty
 * segment, no absolute path, no backslash, no NUL. Symbolic links cannot be followed because the
 * folder it is written to is created fresh and holds only the request's files (`materializeOverrides`).
 */
export function parseFileOverridePath(key: string): Omit<FileOverride, 'contents'> {
  const refuse = (why: string) => invalidArg(`invalid file override '${key}': ${why}`);
  const spec = key.slice('file:'.length);
  if (spec.includes('\0')) throw refuse('the path contains a NUL character');
  if (spec.includes('\\')) throw refuse('the path contains a backslash');
  if (spec.startsWith('/')) throw refuse('the path is absolute; it must be <version>/<file> inside the model folder');
  const [versionText, ...segments] = spec.split('/');
  if (!/^[1-9]\d*$/.test(versionText) || !Number.isSafeInteger(Number(versionText))) throw refuse(`'${versionText}' is not a version number (a positive integer without leading zeros)`);
  if (segments.length === 0 || segments.every((segment) => segment === '')) throw refuse('no file name after the version');
  for (const segment of segments) {
    if (segment === '' || segment === '.' || segment === '..') throw refuse(`the path segment '${segment}' could leave the model folder; use plain names`);
  }
  return { version: Number(versionText), path: segments.join('/') };
}
