import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ModelVersionRecord } from '@flotilla/contracts';
import { ModelCache } from './model-cache';
import { ModelFileResolver, type FetchedFile, type ObjectSource } from './model-file-resolver';
import { buildVersionManifest } from './version-manifest';

const sha = (bytes: Buffer | string) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

/** A model store in memory that counts what it hands out; `chunkSize` splits objects as the bus would. */
class MemoryStore implements ObjectSource {
  readonly where = "bucket 'test'";
  readonly objects = new Map<string, Buffer>();
  opened = 0;
  put(bytes: Buffer | string): void {
    this.objects.set(sha(bytes), Buffer.from(bytes));
  }
  async open(digest: string): Promise<AsyncIterable<Uint8Array> | undefined> {
    const bytes = this.objects.get(digest);
    if (!bytes) return undefined;
    this.opened++;
    return (async function* () {
      for (let at = 0; at < bytes.length; at += 3) yield bytes.subarray(at, at + 3);
    })();
  }
}

describe('ModelFileResolver', () => {
  let root: string;
  let repository: string;
  let store: MemoryStore;
  let cache: ModelCache;
  let fetched: FetchedFile[];

  beforeEach(async () => {
    root = mkdtempSync(join(tmpdir(), 'resolver-spec-'));
    repository = join(root, 'repo', 'm', '1');
    mkdirSync(join(repository, 'data'), { recursive: true });
    writeFileSync(join(repository, 'model.onnx'), 'the graph');
    writeFileSync(join(repository, 'data', 'weights.bin'), 'external weights');
    store = new MemoryStore();
    store.put('the graph');
    store.put('external weights');
    cache = await ModelCache.open(join(root, 'cache'));
    fetched = [];
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const versionRecord = async (): Promise<ModelVersionRecord> => ({
    version: 1,
    state: 'READY',
    reason: '',
    path: join(repository, 'model.onnx'),
    manifest: await buildVersionManifest(repository, 'model.onnx'),
  });
  const resolver = (mode: 'auto' | 'files' | 'bus') => new ModelFileResolver(mode, cache, store, (fetch) => fetched.push(fetch));

  it('bus: fetches every file into the cache and loads from a version folder of its own, files beside the model', async () => {
    const version = await versionRecord();
    rmSync(join(root, 'repo'), { recursive: true }); // another host: the repository's folder is not here
    const resolved = await resolver('bus').resolve('m', version);
    expect(resolved.from).toBe('cache');
    expect(resolved.path.startsWith(join(root, 'cache', 'versions'))).toBe(true);
    expect(readFileSync(resolved.path, 'utf8')).toBe('the graph');
    expect(readFileSync(join(resolved.path, '..', 'data', 'weights.bin'), 'utf8')).toBe('external weights');
    expect(fetched.map((f) => f.file.path).sort()).toEqual(['data/weights.bin', 'model.onnx']);
  });

  it('bus: a cached digest is never fetched again, by any resolver over the same cache', async () => {
    const version = await versionRecord();
    await resolver('bus').resolve('m', version);
    await resolver('bus').resolve('m', version);
    expect(store.opened).toBe(2);
    // A new version that shares one file fetches only the other.
    writeFileSync(join(repository, 'model.onnx'), 'a new graph');
    store.put('a new graph');
    await resolver('bus').resolve('m', await versionRecord());
    expect(store.opened).toBe(3);
    expect(fetched.at(-1)?.file.path).toBe('model.onnx');
  });

  it('bus: slots of one version loading at once fetch each file once', async () => {
    const version = await versionRecord();
    const shared = resolver('bus');
    const paths = await Promise.all([shared.resolve('m', version), shared.resolve('m', version), shared.resolve('m', version)]);
    expect(new Set(paths.map((p) => p.path)).size).toBe(1);
    expect(store.opened).toBe(2);
  });

  it('bus: an object whose content is not the digest fails, naming model, version, file and digest, and caches nothing', async () => {
    const version = await versionRecord();
    const digest = sha('the graph');
    store.objects.set(digest, Buffer.from('the graph, tampered'));
    await expect(resolver('bus').resolve('m', version)).rejects.toThrow(
      new RegExp(`^model 'm' version 1: file 'model.onnx' \\(${digest}, 9 bytes\\): fetching it from the model store \\(bucket 'test'\\) failed: the model store sent more than the 9 bytes`),
    );
    store.objects.set(digest, Buffer.from('THE GRAPH'));
    await expect(resolver('bus').resolve('m', version)).rejects.toThrow(`the model store sent 9 bytes with digest ${sha('THE GRAPH')}, not the 9 bytes with ${digest} the manifest lists`);
    expect(existsSync(cache.blobPath(digest))).toBe(false);
  });

  it('bus: a missing object fails, naming it', async () => {
    const version = await versionRecord();
    store.objects.delete(sha('external weights'));
    await expect(resolver('bus').resolve('m', version)).rejects.toThrow(
      `model 'm' version 1: file 'data/weights.bin' (${sha('external weights')}, 16 bytes) is not in the model store (bucket 'test')`,
    );
  });

  it('bus: a manifest path that leaves the folder is refused before anything is written', async () => {
    const version = await versionRecord();
    const evil = { ...version, manifest: { ...version.manifest!, files: [{ path: '../escape', digest: sha('the graph'), size: 9 }] } };
    await expect(resolver('bus').resolve('m', evil)).rejects.toThrow("model 'm' version 1: manifest path '../escape' is not a plain relative path");
    expect(store.opened).toBe(0);
  });

  it('files: the repository path as the record names it, nothing fetched', async () => {
    const version = await versionRecord();
    expect(await resolver('files').resolve('m', version)).toEqual({ path: version.path, from: 'files' });
    expect(store.opened).toBe(0);
  });

  it('auto: the repository folder when every digest matches; the model store when the folder is gone or changed', async () => {
    const version = await versionRecord();
    expect(await resolver('auto').resolve('m', version)).toEqual({ path: version.path, from: 'files' });
    expect(store.opened).toBe(0);
    writeFileSync(join(repository, 'data', 'weights.bin'), 'changed since the manifest');
    expect((await resolver('auto').resolve('m', version)).from).toBe('cache');
    expect(store.opened).toBe(2);
  });

  it('bus without a manifest (a repository that does not publish) fails clearly; auto reads the files', async () => {
    const { manifest: _m, ...bare } = await versionRecord();
    await expect(resolver('bus').resolve('m', bare)).rejects.toThrow("model 'm' version 1: the model repository sent no manifest of its files");
    expect((await resolver('auto').resolve('m', bare)).from).toBe('files');
  });
});
