// Figures for the model store (docs/deployment.md, "Model store"): for each ONNX file given, the time
// an executor takes to have a session of it
//   - from files: digest the file (what --model-source=auto checks) + create the session from it;
//   - over the bus: fetch it from a JetStream object store into an empty cache (streamed to disk,
//     digest checked) + create the session from the cache;
// and the repository's put. A private nats-server (JetStream on) on this machine; nothing asserted.
//
//   node dist/tools/perf/src/model-store-figures.js examples/model_repository/matmul_chain/1/model.onnx [more.onnx…]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { InferenceSession } from 'onnxruntime-node';
import { freePort, startNatsServer } from '@flotilla/local-cluster';
import { buildVersionManifest, digestFile, ModelCache, ModelFileResolver } from '@flotilla/model-store';
import { ModelObjectStore } from '@flotilla/transport';

const ROUNDS = 3;

async function main(files: readonly string[]): Promise<void> {
  if (files.length === 0) throw new Error('usage: model-store-figures.js <model.onnx> [more.onnx…]');
  const scratch = mkdtempSync(join(tmpdir(), 'flotilla-model-store-figures-'));
  const nats = await startNatsServer(await freePort(), () => undefined, undefined, join(scratch, 'jetstream'));
  const connection = await connect({ servers: nats.url });
  try {
    const store = await ModelObjectStore.create(connection, 'figures', { replicas: 1 });
    for (const file of files) {
      const manifest = await buildVersionManifest(dirname(file), basename(file));
      const model = manifest.files.find((entry) => entry.path === basename(file))!;
      const one = { ...manifest, files: [model] };
      const put = await timed(async () => {
        await store.put(model, file);
      });
      const fromFiles: number[] = [];
      const overBus: { fetchMs: number; totalMs: number }[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        fromFiles.push(
          await timed(async () => {
            await digestFile(file);
            await (await InferenceSession.create(file, { intraOpNumThreads: 1 })).release();
          }),
        );
        const cache = await ModelCache.open(join(scratch, `cache-${basename(dirname(dirname(file)))}-${round}`));
        let fetchMs = 0;
        const resolver = new ModelFileResolver('bus', cache, store, (fetch) => (fetchMs = fetch.ms));
        const totalMs = await timed(async () => {
          const resolved = await resolver.resolve('figures', { version: 1, path: file, manifest: one });
          await (await InferenceSession.create(resolved.path, { intraOpNumThreads: 1 })).release();
        });
        overBus.push({ fetchMs, totalMs });
      }
      const mb = model.size / 1e6;
      const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
      const fetch = median(overBus.map((r) => r.fetchMs));
      console.log(
        `${file}: ${mb.toFixed(1)} MB | put ${put.toFixed(0)} ms (${(mb / (put / 1000)).toFixed(0)} MB/s) | ` +
          `from files: digest + session ${median(fromFiles).toFixed(0)} ms | ` +
          `over the bus: fetch ${fetch.toFixed(0)} ms (${(mb / (fetch / 1000)).toFixed(0)} MB/s) + session = ${median(overBus.map((r) => r.totalMs)).toFixed(0)} ms ` +
          `(median of ${ROUNDS}; each bus round into an empty cache)`,
      );
    }
  } finally {
    await connection.close();
    nats.child.kill('SIGTERM');
    await new Promise((resolve) => nats.child.once('exit', resolve));
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function timed(work: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

main(process.argv.slice(2)).catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
