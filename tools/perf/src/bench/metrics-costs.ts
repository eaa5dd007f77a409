// What Prometheus metrics cost (issue 12), measured in one run: two deployments side by side on
// one repository, one without /metrics (`--allow-metrics=false`) and one with it, scraped every
// SCRAPE_INTERVAL_MS the whole time it is measured — far more often than Prometheus' usual 15 s,
// so that what a scrape costs shows. Measured alternately, round by round:
//  1. `simple` c=1 p50 (ms), metrics on against off;
//  2. `simple` c=32 throughput (infer/s), metrics on against off.
// Nothing is counted on the request path for metrics (a scrape reads what the slots count anyway),
// so the difference is the scrapes' own work: a flush of every executor and the page itself.
import type { ProgressLine } from '../cli/progress-line';
import { createBenchRepository } from './bench-repository';
import type { MeasureSettings } from './contenders';
import { startFlotilla, type RunningFlotilla } from './flotilla-under-test';
import { median } from './interleaved-scaling';
import { measurePoint } from './measure-point';
import { processCpuMs } from '../stats/process-cpu';

/** One scrape a second: fifteen times Prometheus' default rate. */
export const SCRAPE_INTERVAL_MS = 1000;

export interface MetricsCosts {
  /** `simple` c=1 p50 per round, ms. */
  readonly p50Off: readonly number[];
  readonly p50On: readonly number[];
  /** `simple` c=32 infer/s per round. */
  readonly throughputOff: readonly number[];
  readonly throughputOn: readonly number[];
  /** How long each scrape took, ms, while loaded. */
  readonly scrapeMs: readonly number[];
  /**
   * CPU time one scrape costs the whole deployment (every service process, all threads), ms:
   * back-to-back scrapes of an idle deployment against an idle window as long. CPU time, not wall
   * time, so other processes on a shared machine hardly move it.
   */
  readonly scrapeCpuMs: number;
}

export async function measureMetricsCosts(settings: MeasureSettings, progress: ProgressLine, rounds = 3, log: (line: string) => void = console.log): Promise<MetricsCosts> {
  const repository = createBenchRepository(['simple']);
  let off: RunningFlotilla | undefined;
  let on: RunningFlotilla | undefined;
  try {
    [off, on] = await Promise.all([startFlotilla(repository.dir), startFlotilla(repository.dir, {}, { metrics: true })]);
    const scrapeCpuMs = await measureScrapeCpu(on);
    log(`  one scrape costs the deployment ${scrapeCpuMs.toFixed(2)} ms of CPU (idle, back to back)`);
    const costs = { p50Off: [] as number[], p50On: [] as number[], throughputOff: [] as number[], throughputOn: [] as number[], scrapeMs: [] as number[], scrapeCpuMs };
    const scraped = (deployment: RunningFlotilla) => <T>(measure: () => Promise<T>) => (deployment === on ? whileScraping(on.metricsUrl!, costs.scrapeMs, measure) : measure());
    const p50 = async (deployment: RunningFlotilla, label: string) =>
      (await scraped(deployment)(() => measurePoint({ name: label, url: deployment.url }, { model: 'simple', protocol: 'binary', concurrency: 1 }, settings, label, progress))).figures.latency.p50Ms;
    const infers = async (deployment: RunningFlotilla, label: string) =>
      (await scraped(deployment)(() => measurePoint({ name: label, url: deployment.url }, { model: 'simple', protocol: 'binary', concurrency: 32 }, settings, label, progress))).figures.throughput;
    for (let round = 1; round <= rounds; round++) {
      // Alternate who goes first: the VM's speed drifts, and should not always favour one side.
      const pair = round % 2 === 1 ? ([off, on] as const) : ([on, off] as const);
      for (const deployment of pair) {
        const side = deployment === on ? 'on' : 'off';
        (side === 'on' ? costs.p50On : costs.p50Off).push(await p50(deployment, `simple c=1 metrics ${side}`));
        (side === 'on' ? costs.throughputOn : costs.throughputOff).push(await infers(deployment, `simple c=32 metrics ${side}`));
      }
      log(
        `  round ${round}: simple c=1 p50 ${costs.p50Off.at(-1)!.toFixed(3)} ms off, ${costs.p50On.at(-1)!.toFixed(3)} ms on; ` +
          `c=32 ${costs.throughputOff.at(-1)!.toFixed(0)} infer/s off, ${costs.throughputOn.at(-1)!.toFixed(0)} on`,
      );
    }
    return costs;
  } finally {
    progress.clear();
    await Promise.allSettled([off?.stop(), on?.stop()]);
    repository.remove();
  }
}

const SCRAPES_FOR_CPU = 50;

async function measureScrapeCpu(deployment: RunningFlotilla): Promise<number> {
  const pids = [...deployment.pids.values()];
  const cpuMs = () => pids.reduce((sum, pid) => sum + processCpuMs(pid), 0);
  const idleStart = performance.now();
  const idleBefore = cpuMs();
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const idleMsPerMs = (cpuMs() - idleBefore) / (performance.now() - idleStart);
  const started = performance.now();
  const before = cpuMs();
  for (let i = 0; i < SCRAPES_FOR_CPU; i++) {
    const response = await fetch(deployment.metricsUrl!);
    await response.text();
    if (!response.ok) throw new Error(`scrape answered ${response.status}`);
  }
  const busyMs = cpuMs() - before - idleMsPerMs * (performance.now() - started);
  return busyMs / SCRAPES_FOR_CPU;
}

/** Runs `measure` while scraping `url` every SCRAPE_INTERVAL_MS, recording each scrape's time. */
async function whileScraping<T>(url: string, scrapeMs: number[], measure: () => Promise<T>): Promise<T> {
  let running = true;
  const scraper = (async () => {
    while (running) {
      const started = performance.now();
      const response = await fetch(url);
      await response.text();
      if (!response.ok) throw new Error(`scrape of ${url} answered ${response.status}`);
      scrapeMs.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, SCRAPE_INTERVAL_MS));
    }
  })();
  try {
    return await measure();
  } finally {
    running = false;
    await scraper;
  }
}

/** INFO lines: on against off, medians of the rounds (noise on a shared machine is ±10–30 %). */
export function metricsCostLines(costs: MetricsCosts): string[] {
  const [p50On, p50Off] = [median(costs.p50On), median(costs.p50Off)];
  const [tOn, tOff] = [median(costs.throughputOn), median(costs.throughputOff)];
  return [
    `INFO metrics_added_p50_ms ${(p50On - p50Off).toFixed(3)}  (simple c=1, medians ${p50On.toFixed(3)} on vs ${p50Off.toFixed(3)} off, scraped every ${SCRAPE_INTERVAL_MS} ms)`,
    `INFO metrics_throughput_ratio ${(tOn / tOff).toFixed(3)}  (simple c=32, medians ${tOn.toFixed(0)} on vs ${tOff.toFixed(0)} off infer/s)`,
    `INFO metrics_scrape_ms p50 ${median(costs.scrapeMs).toFixed(2)}  (${costs.scrapeMs.length} scrapes under load, each a flush of every executor and the page)`,
    `INFO metrics_scrape_cpu_ms ${costs.scrapeCpuMs.toFixed(2)}  (CPU time of one scrape across the deployment; at one scrape every ${SCRAPE_INTERVAL_MS / 1000} s, ${((costs.scrapeCpuMs / SCRAPE_INTERVAL_MS) * 100).toFixed(2)} % of one core)`,
  ];
}
