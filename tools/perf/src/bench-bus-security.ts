#!/usr/bin/env node
// What a secured bus (TLS + one nkey identity per service, the default) costs on the hot path:
// `simple` over binary HTTP, one request at a time (p50) and 16 at a time (infer/s), against the
// same deployment with an open bus, in alternating rounds (the machine's speed drifts). Also one
// NATS round trip between two processes over each bus. Figures only, no verdict.
//   node dist/tools/perf/src/bench-bus-security.js [--rounds 3]
import { ProgressLine } from './cli/progress-line';
import { BENCH_DEFAULTS } from './bench/bench-options';
import { createBenchRepository } from './bench/bench-repository';
import { startFlotilla, type RunningFlotilla } from './bench/flotilla-under-test';
import { median } from './bench/interleaved-scaling';
import { machineLine } from './bench/machine-info';
import { measureNatsRoundTrip } from './bench/nats-round-trip';
import { measurePoint } from './bench/measure-point';

async function main(): Promise<void> {
  const rounds = parseRounds(process.argv.slice(2));
  console.log(machineLine());
  const progress = new ProgressLine();
  const repository = createBenchRepository(['simple']);
  let open: RunningFlotilla | undefined;
  let secured: RunningFlotilla | undefined;
  try {
    [open, secured] = await Promise.all([startFlotilla(repository.dir, {}, { busSecurity: false }), startFlotilla(repository.dir, {}, { busSecurity: true })]);
    const figures = { open: { p50: [] as number[], infers: [] as number[], nats: [] as number[] }, secured: { p50: [] as number[], infers: [] as number[], nats: [] as number[] } };
    for (let round = 1; round <= rounds; round++) {
      const order = round % 2 === 1 ? (['open', 'secured'] as const) : (['secured', 'open'] as const);
      for (const which of order) {
        const deployment = which === 'open' ? open : secured;
        const point = async (concurrency: number) => (await measurePoint({ name: which, url: deployment.url }, { model: 'simple', protocol: 'binary', concurrency }, BENCH_DEFAULTS, `${which} c=${concurrency}`, progress)).figures;
        figures[which].p50.push((await point(1)).latency.p50Ms);
        figures[which].infers.push((await point(16)).throughput);
        figures[which].nats.push((await measureNatsRoundTrip(deployment.natsUrl, deployment.natsAdmin)).p50Ms);
      }
      progress.clear();
      console.log(`round ${round}: ${(['open', 'secured'] as const).map((which) => `${which} c=1 p50 ${figures[which].p50.at(-1)!.toFixed(3)} ms, c=16 ${figures[which].infers.at(-1)!.toFixed(0)} infer/s, NATS round trip p50 ${figures[which].nats.at(-1)!.toFixed(3)} ms`).join(' | ')}`);
    }
    const m = (values: number[]) => median(values);
    console.log(`\nmedians over ${rounds} rounds, simple binary:`);
    console.log(`  c=1 p50:            open ${m(figures.open.p50).toFixed(3)} ms, TLS + nkeys ${m(figures.secured.p50).toFixed(3)} ms (${(m(figures.secured.p50) - m(figures.open.p50)).toFixed(3)} ms)`);
    console.log(`  c=16 throughput:    open ${m(figures.open.infers).toFixed(0)} infer/s, TLS + nkeys ${m(figures.secured.infers).toFixed(0)} infer/s (${((m(figures.secured.infers) / m(figures.open.infers) - 1) * 100).toFixed(1)} %)`);
    console.log(`  NATS round trip:    open ${m(figures.open.nats).toFixed(3)} ms, TLS ${m(figures.secured.nats).toFixed(3)} ms`);
  } finally {
    progress.clear();
    await Promise.all([open?.stop(), secured?.stop()]);
    repository.remove();
  }
}

function parseRounds(argv: readonly string[]): number {
  if (argv.length === 0) return 3;
  if (argv[0] === '--rounds' && Number.isInteger(Number(argv[1])) && Number(argv[1]) > 0) return Number(argv[1]);
  throw new Error(`usage: bench-bus-security [--rounds N]; got '${argv.join(' ')}'`);
}

main().catch((error: unknown) => {
  console.error(`bench-bus-security: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
