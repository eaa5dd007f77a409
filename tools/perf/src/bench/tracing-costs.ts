// What tracing costs (issue 12): two deployments side by side on one repository, measured
// alternately — tracing off (no OTLP endpoint: no span is recorded, Triton's default level OFF)
// and `--trace-config level=TIMESTAMPS --trace-config rate=1` (every request traced: five spans
// from three services, exported over OTLP/HTTP protobuf to a sink in this process that reads and
// drops them, as a collector would take them) — on `simple` c=1 p50 and c=32 throughput.
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ProgressLine } from '../cli/progress-line';
import { createBenchRepository } from './bench-repository';
import type { MeasureSettings } from './contenders';
import { startFlotilla, type RunningFlotilla } from './flotilla-under-test';
import { median } from './interleaved-scaling';
import { measurePoint } from './measure-point';

export interface TracingCosts {
  /** `simple` c=1 p50 per round, ms. */
  readonly p50Off: readonly number[];
  readonly p50On: readonly number[];
  /** `simple` c=32 infer/s per round. */
  readonly throughputOff: readonly number[];
  readonly throughputOn: readonly number[];
  /** OTLP export requests and bytes the sink received: proof the traced side exported. */
  readonly exports: number;
  readonly exportedBytes: number;
}

export async function measureTracingCosts(settings: MeasureSettings, progress: ProgressLine, rounds = 3, log: (line: string) => void = console.log): Promise<TracingCosts> {
  const repository = createBenchRepository(['simple']);
  const sink = await startOtlpSink();
  let off: RunningFlotilla | undefined;
  let on: RunningFlotilla | undefined;
  try {
    [off, on] = await Promise.all([
      startFlotilla(repository.dir),
      startFlotilla(repository.dir, { OTEL_EXPORTER_OTLP_ENDPOINT: sink.endpoint }, { gatewayFlags: ['--trace-config', 'level=TIMESTAMPS', '--trace-config', 'rate=1'] }),
    ]);
    const point = async (deployment: RunningFlotilla, concurrency: number, label: string) =>
      (await measurePoint({ name: label, url: deployment.url }, { model: 'simple', protocol: 'binary', concurrency }, settings, label, progress)).figures;
    const costs = { p50Off: [] as number[], p50On: [] as number[], throughputOff: [] as number[], throughputOn: [] as number[] };
    for (let round = 1; round <= rounds; round++) {
      // Alternate who goes first: the VM's speed drifts, and should not always favour one side.
      const order = round % 2 === 1 ? (['off', 'on'] as const) : (['on', 'off'] as const);
      for (const side of order) {
        const deployment = side === 'off' ? off : on;
        const label = side === 'off' ? 'tracing off' : 'trace_rate=1';
        (side === 'off' ? costs.p50Off : costs.p50On).push((await point(deployment, 1, `simple c=1 ${label}`)).latency.p50Ms);
        (side === 'off' ? costs.throughputOff : costs.throughputOn).push((await point(deployment, 32, `simple c=32 ${label}`)).throughput);
      }
      log(
        `  round ${round}: simple c=1 p50 ${costs.p50Off.at(-1)!.toFixed(3)} ms off, ${costs.p50On.at(-1)!.toFixed(3)} ms traced; c=32 ${costs.throughputOff.at(-1)!.toFixed(0)} infer/s off, ${costs.throughputOn.at(-1)!.toFixed(0)} traced`,
      );
    }
    return { ...costs, exports: sink.requests, exportedBytes: sink.bytes };
  } finally {
    progress.clear();
    await Promise.allSettled([off?.stop(), on?.stop()]);
    await sink.close();
    repository.remove();
  }
}

export function tracingLines(costs: TracingCosts): string[] {
  const [p50Off, p50On] = [median(costs.p50Off), median(costs.p50On)];
  const [tputOff, tputOn] = [median(costs.throughputOff), median(costs.throughputOn)];
  return [
    `INFO trace_rate1_added_p50_ms ${(p50On - p50Off).toFixed(3)}  (simple c=1 binary, medians ${p50On.toFixed(3)} traced vs ${p50Off.toFixed(3)} off)`,
    `INFO trace_rate1_c32_throughput_ratio ${(tputOn / tputOff).toFixed(3)}  (simple c=32 binary, medians ${tputOn.toFixed(0)} traced vs ${tputOff.toFixed(0)} infer/s off; ${costs.exports} OTLP exports, ${(costs.exportedBytes / 1e6).toFixed(1)} MB)`,
  ];
}

/** An OTLP/HTTP endpoint that reads every export and answers 200 (an empty protobuf response). */
async function startOtlpSink(): Promise<{ endpoint: string; requests: number; bytes: number; close(): Promise<void> }> {
  const counts = { requests: 0, bytes: 0 };
  const server: Server = createServer((req, res) => {
    req.on('data', (chunk: Buffer) => (counts.bytes += chunk.byteLength));
    req.on('end', () => {
      counts.requests += 1;
      res.writeHead(200, { 'Content-Type': 'application/x-protobuf' }).end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get requests() {
      return counts.requests;
    },
    get bytes() {
      return counts.bytes;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
