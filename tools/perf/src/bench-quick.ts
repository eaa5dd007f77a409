#!/usr/bin/env node
// `npm run bench:quick`: 1000 sequential `simple` inferences over HTTP against Flotilla, beside
// onnxruntime-node in process and the single-process baseline server, with the ratios. Under a
// minute; the full comparison is `npm run bench`.
//   node dist/tools/perf/src/bench-quick.js [--protocol json|binary] [--count N]
import { ms, ratio } from './cli/format';
import { KeepAliveClient } from './http/keep-alive-client';
import { runSequential } from './load/sequential-run';
import { BaselineServerProcess } from './baseline-server/baseline-server-process';
import { loadRepositoryModels } from './baseline-server/repository-models';
import { InProcessSession } from './baselines/in-process-session';
import { sampleInputs } from './baselines/sample-inputs';
import { createBenchRepository } from './bench/bench-repository';
import { startFlotilla, type RunningFlotilla } from './bench/flotilla-under-test';
import { machineLine } from './bench/machine-info';
import { buildInferRequestBody, type HttpWireProtocol } from './request/infer-request-body';
import { parseModelMetadata } from './request/model-metadata';
import type { LatencySummary } from './stats/percentiles';

const MODEL = 'simple';

async function main(): Promise<void> {
  const { protocol, count } = parseFlags(process.argv.slice(2));
  const started = Date.now();
  console.log(machineLine());
  const repository = createBenchRepository([MODEL]);
  let baseline: BaselineServerProcess | undefined;
  let flotilla: RunningFlotilla | undefined;
  try {
    const [model] = loadRepositoryModels(repository.dir, [MODEL]);
    const session = await InProcessSession.open(model.modelPath, sampleInputs(model.metadata.inputs), 1);
    const inProcess = await session.latency(count);
    await session.release();

    [baseline, flotilla] = await Promise.all([BaselineServerProcess.start(repository.dir), startFlotilla(repository.dir)]);
    const overBaseline = await sequentialOverHttp(baseline.url, protocol, count);
    const overFlotilla = await sequentialOverHttp(flotilla.url, protocol, count);

    console.log(`\n${count} sequential '${MODEL}' inferences, ${protocol} over HTTP keep-alive (in-process: session.run calls)`);
    console.log(`  ${'contender'.padEnd(34)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)}`);
    row('in-process onnxruntime-node', inProcess);
    row('baseline server (1 process)', overBaseline);
    row('Flotilla (5 services over NATS)', overFlotilla);
    console.log(`\n  Flotilla / baseline server:  p50 ${ratio(overFlotilla.p50Ms / overBaseline.p50Ms)}  p99 ${ratio(overFlotilla.p99Ms / overBaseline.p99Ms)}  (target p50 ≤ 2.50x)`);
    console.log(`  Flotilla / in-process ORT:   p50 ${ratio(overFlotilla.p50Ms / inProcess.p50Ms)}  p99 ${ratio(overFlotilla.p99Ms / inProcess.p99Ms)}`);
    console.log(`  baseline / in-process ORT:   p50 ${ratio(overBaseline.p50Ms / inProcess.p50Ms)}  p99 ${ratio(overBaseline.p99Ms / inProcess.p99Ms)}`);
    console.log(`\nfinished in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  } finally {
    await Promise.allSettled([baseline?.stop(), flotilla?.stop()]);
    repository.remove();
  }
}

async function sequentialOverHttp(url: string, protocol: HttpWireProtocol, count: number): Promise<LatencySummary> {
  const client = new KeepAliveClient(url, 1);
  try {
    const path = `/v2/models/${MODEL}`;
    const metadata = await client.getJson(path);
    if (metadata.status !== 200) throw new Error(`${url}${path} answered ${metadata.status}`);
    const request = buildInferRequestBody(parseModelMetadata(metadata.json), { protocol });
    return await runSequential(() => client.post(`${path}/infer`, request.body, request.headers), count);
  } finally {
    client.close();
  }
}

function row(name: string, summary: LatencySummary): void {
  console.log(`  ${name.padEnd(34)} ${ms(summary.p50Ms).padStart(8)} ${ms(summary.p99Ms).padStart(8)}`);
}

function parseFlags(argv: readonly string[]): { protocol: HttpWireProtocol; count: number } {
  let protocol: HttpWireProtocol = 'binary';
  let count = 1000;
  for (let i = 0; i < argv.length; i += 2) {
    if (argv[i] === '--protocol' && (argv[i + 1] === 'json' || argv[i + 1] === 'binary')) protocol = argv[i + 1] as HttpWireProtocol;
    else if (argv[i] === '--count' && Number(argv[i + 1]) > 0) count = Math.floor(Number(argv[i + 1]));
    else throw new Error(`usage: bench-quick [--protocol json|binary] [--count N]; got '${argv.slice(i).join(' ')}'`);
  }
  return { protocol, count };
}

main().catch((error: unknown) => {
  console.error(`bench:quick: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
  process.exit(1);
});
