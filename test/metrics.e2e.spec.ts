// Prometheus metrics and the statistics extension, end to end: exact right after the last
// response whatever the heartbeat period (executors beat once a minute here), counted once across
// an executor restart, scraped by a real Prometheus and queried with PromQL, and a page that
// promtool accepts.
import { http, postJson, range, simpleRequest, startFlotilla, type TestFlotilla } from './support/flotilla';
import { prometheusBinaries, promtoolCheck, startPrometheus, type RunningPrometheus } from './support/prometheus';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { linkModel, testRepository } from './support/repository';

let flotilla: TestFlotilla;
let prometheus: RunningPrometheus | undefined;

/** Beats once a minute: without the read's flush, statistics would lag by up to a minute. */
const SLOW_BEATS = ['--heartbeat-ms', '60000'];

/** `simple` with one instance on the cpu executor and one on a stand-in GPU: one version, two executors. */
const simpleOnBoth = readFileSync(resolve(__dirname, '../examples/model_repository/simple/config.pbtxt'), 'utf8')
  .replace('name: "simple"', 'name: "simple_both"')
  .replace(/instance_group \[[^\]]*\]/, 'instance_group [ { count: 1, kind: KIND_CPU }, { count: 1, kind: KIND_GPU, gpus: [ 0 ] } ]');

beforeAll(async () => {
  const repository = testRepository({ 'simple_both/config.pbtxt': simpleOnBoth });
  linkModel(repository, 'simple', 'simple_both');
  flotilla = await startFlotilla({
    name: 'metrics',
    modelRepository: repository,
    executors: [
      { device: 'cpu', extraFlags: SLOW_BEATS },
      { device: 'gpu:0', simulate: true, extraFlags: SLOW_BEATS },
    ],
  });
});

afterAll(async () => {
  await prometheus?.stop();
  await flotilla?.stop();
});

const infer = async (n: number, model = 'simple') => {
  const responses = await Promise.all(range(n).map((i) => postJson(`${flotilla.url}/v2/models/${model}/infer`, simpleRequest(range(16), range(16).map(() => i)))));
  expect(responses.map((r) => r.status)).toEqual(range(n).map(() => 200));
};

interface ModelStats {
  inference_count: number;
  execution_count: number;
  inference_stats: Record<'success' | 'fail' | 'queue' | 'compute_input' | 'compute_infer' | 'compute_output', { count: number; ns: number }>;
  batch_stats: { batch_size: number; compute_infer: { count: number } }[];
}

const statistics = async (model = 'simple') => (await http(`${flotilla.url}/v2/models/${model}/stats`)).json<{ model_stats: ModelStats[] }>().model_stats[0];

const scrape = async () => {
  const response = await http(flotilla.metricsUrl!);
  expect(response.status).toBe(200);
  return response.body.toString('utf8');
};

/** A sample's value on the page, by its exact name and labels as Prometheus writes them. */
const sample = (page: string, series: string) => {
  const line = page.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

let sent = 0;

describe('statistics and /metrics', () => {
  it('say N after N requests, read right after the last response, with every field measured', async () => {
    await infer(7);
    sent += 7;
    const stats = await statistics();
    expect(stats.inference_stats.success.count).toBe(sent);
    expect(stats.inference_count).toBe(sent);
    expect(stats.inference_stats.queue.count).toBe(sent);
    expect(stats.inference_stats.fail.count).toBe(0);
    for (const phase of ['compute_input', 'compute_infer', 'compute_output'] as const) {
      expect(stats.inference_stats[phase].count).toBe(sent);
      expect(stats.inference_stats[phase].ns).toBeGreaterThan(0);
    }
    expect(stats.batch_stats.reduce((sum, row) => sum + row.compute_infer.count, 0)).toBe(stats.execution_count);

    const page = await scrape();
    expect(sample(page, 'nv_inference_request_success{model="simple",version="1"}')).toBe(sent);
    expect(sample(page, 'nv_inference_count{model="simple",version="1"}')).toBe(sent);
    expect(sample(page, 'nv_inference_exec_count{model="simple",version="1"}')).toBe(stats.execution_count);
    expect(sample(page, 'nv_inference_request_failure{model="simple",version="1",reason="REJECTED"}')).toBe(0);
    expect(sample(page, 'nv_inference_pending_request_count{model="simple",version="1"}')).toBe(0);
    expect(sample(page, 'nv_inference_compute_infer_duration_us{model="simple",version="1"}')).toBeGreaterThanOrEqual(0);
    expect(sample(page, 'flotilla_statistics_stale_executors')).toBe(0);
    expect(page).toMatch(/^flotilla_slots\{device="cpu",simulated="false",state="idle"\} [1-9]/m);
  });

  it('sum every executor of a version, and mark the stand-in GPU', async () => {
    await infer(12, 'simple_both');
    expect((await statistics('simple_both')).inference_stats.success.count).toBe(12);
    const page = await scrape();
    expect(sample(page, 'nv_inference_request_success{model="simple_both",version="1"}')).toBe(12);
    expect(page).toMatch(/^flotilla_slots\{device="gpu:0",simulated="true",state="idle"\} 1$/m);
    expect(page).toMatch(/^flotilla_executor_info\{executor="[^"]+",device="gpu:0",execution_provider="cpu",simulated="true"\} 1$/m);
  });

  it('keep what an executor counted after it leaves, and count the requests of the one that replaces it once', async () => {
    await flotilla.cluster.service('executor:cpu').stop();
    flotilla.cluster.restart('executor:cpu');
    await flotilla.cluster.waitReady(60_000);
    expect((await statistics()).inference_stats.success.count).toBe(sent);
    await infer(3);
    sent += 3;
    expect((await statistics()).inference_stats.success.count).toBe(sent);
    expect(sample(await scrape(), 'nv_inference_request_success{model="simple",version="1"}')).toBe(sent);
  });

  it("writes a page promtool parses and lints clean, but for Triton's own names", async () => {
    const { promtool } = prometheusBinaries();
    const { status, problems } = promtoolCheck(promtool, await scrape());
    // promlint's naming advice (counters end in _total, no "_us", no "_count" on a counter or a
    // gauge) cannot be taken for Triton's families: dashboards know them by these names. Anything
    // else — Flotilla's own families, and any parse error above all — fails.
    const tritonNaming = /^nv_inference_\w+ (counter metrics should have "_total" suffix|metric names should not contain abbreviated units|non-histogram and non-summary metrics should not have "_count" suffix)$/;
    expect(problems.filter((problem) => !tritonNaming.test(problem))).toEqual([]);
    expect([0, 3]).toContain(status); // 3: lint advice only; 1 would be a page it cannot read
    // The check bites: a page it cannot parse fails it.
    expect(promtoolCheck(promtool, 'nv_inference_count{model="simple" 1\n').status).toBe(1);
  });

  it('is scraped by a real Prometheus, whose PromQL query returns the request count sent', async () => {
    const { prometheus: binary } = prometheusBinaries();
    prometheus = await startPrometheus(binary, new URL(flotilla.metricsUrl!).host);
    const query = 'sum(nv_inference_request_success{job="flotilla",model="simple"})';
    let seen: number | undefined;
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const result = await prometheus.query(query);
      seen = result[0]?.value;
      if (seen === sent) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(seen).toBe(sent);
    const [up] = await prometheus.query('up{job="flotilla"}');
    expect(up.value).toBe(1);
  });

  it('answers only GET /metrics on its port', async () => {
    const base = flotilla.metricsUrl!.replace(/\/metrics$/, '');
    expect((await http(`${base}/other`)).status).toBe(404);
    expect((await http(flotilla.metricsUrl!, { method: 'POST' })).status).toBe(405);
  });
});
