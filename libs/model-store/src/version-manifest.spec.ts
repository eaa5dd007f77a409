import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildVersionManifest } from './version-manifest';

const sha = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;

describe('buildVersionManifest', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'manifest-spec-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('lists every regular file under the version folder, by relative path, digest and size, sorted', async () => {
    writeFileSync(join(dir, 'model.onnx'), 'graph');
    mkdirSync(join(dir, 'weights'));
    writeFileSync(join(dir, 'weights', 'b.bin'), 'bb');
    writeFileSync(join(dir, 'a.data'), 'a');
    const manifest = await buildVersionManifest(dir, 'model.onnx');
    expect(manifest.files).toEqual([
      { path: 'a.data', digest: sha('a'), size: 1 },
      { path: 'model.onnx', digest: sha('graph'), size: 5 },
      { path: 'weights/b.bin', digest: sha('bb'), size: 2 },
    ]);
    expect(manifest).toMatchObject({ dir, model: 'model.onnx' });
    expect(manifest.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('follows symbolic links, as the backend would', async () => {
    writeFileSync(join(dir, 'real.onnx'), 'graph');
    const version = join(dir, '1');
    mkdirSync(version);
    symlinkSync(join(dir, 'real.onnx'), join(version, 'model.onnx'));
    expect((await buildVersionManifest(version, 'model.onnx')).files).toEqual([{ path: 'model.onnx', digest: sha('graph'), size: 5 }]);
  });

  it('gives the same digest to the same files, and another when one file changes', async () => {
    writeFileSync(join(dir, 'model.onnx'), 'graph');
    const first = await buildVersionManifest(dir, 'model.onnx');
    expect((await buildVersionManifest(dir, 'model.onnx')).digest).toBe(first.digest);
    writeFileSync(join(dir, 'model.onnx'), 'graph2');
    expect((await buildVersionManifest(dir, 'model.onnx')).digest).not.toBe(first.digest);
  });

  it('refuses a folder without the model file', async () => {
    writeFileSync(join(dir, 'other.onnx'), 'graph');
    await expect(buildVersionManifest(dir, 'model.onnx')).rejects.toThrow(`model file 'model.onnx' is not a regular file in ${dir}`);
  });
});
