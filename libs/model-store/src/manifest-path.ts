/**
 * A manifest's file path, checked before it becomes a path on this disk: relative, `/`-separated,
 * no empty, `.` or `..` segment, no NUL. Manifests arrive over the bus; none may name a file
 * outside the folder it describes.
 */
export function checkManifestPath(path: string): string[] {
  const segments = path.split('/');
  if (path.length === 0 || path.includes('\0') || path.includes('\\') || segments.some((s) => s === '' || s === '.' || s === '..')) {
    throw new Error(`manifest path '${path}' is not a plain relative path`);
  }
  return segments;
}
