// A stamp file next to each generated model records the parameters it was built with, so setup can
// skip models that are already up to date (a 4 MiB matmul_chain takes a noticeable moment to build)
// and still regenerate one whose options changed.
import { existsSync, readFileSync } from 'node:fs';

export const stampPathFor = (modelPath: string): string => `${modelPath}.stamp`;

export function stampText(parameters: Readonly<Record<string, string | number>>): string {
  return `${JSON.stringify(parameters, Object.keys(parameters).sort())}\n`;
}

/** True when the model file exists and its stamp records exactly these parameters. */
export function isUpToDate(modelPath: string, parameters: Readonly<Record<string, string | number>>): boolean {
  const stampPath = stampPathFor(modelPath);
  if (!existsSync(modelPath) || !existsSync(stampPath)) return false;
  return readFileSync(stampPath, 'utf8') === stampText(parameters);
}
