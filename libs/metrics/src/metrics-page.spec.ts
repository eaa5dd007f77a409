import type { ExecutorAnnouncement, SchedulerStatus, SlotStatistics } from '@flotilla/contracts';
import { MetricsPage } from './metrics-page';
import type { MetricsInput } from './metrics-input';

const stats: SlotStatistics = {
  success: { count: 4, ns: 9_000_000 },
  fail: { count: 3, ns: 1_000 },
  queue: { count: 4, ns: 2_000_000 },
  computeInput: { count: 4, ns: 1_500 },
  computeInfer: { count: 4, ns: 5_000_000 },
  computeOutput: { count: 4, ns: 2_500 },
  inferenceCount: 6,
  executionCount: 3,
  lastInference: 1,
  batches: {},
  failures: { REJECTED: 2, CANCELED: 0, BACKEND: 1, OTHER: 0 },
};

const scheduler: SchedulerStatus = {
  models: [
    {
      name: 'simple',
      version: 1,
      ready: true,
      queued: 5,
      loading: 0,
      slots: [
        { slotId: 'cpu/s/1/a', instance: 'a', device: 'cpu', executorId: 'cpu', host: 'h', busy: true, simulated: false },
        { slotId: 'gpu0/s/1/b', instance: 'b', device: 'gpu:0', executorId: 'gpu-0', host: 'h', busy: false, simulated: true },
      ],
    },
    { name: 'idle_model', version: 2, ready: true, queued: 0, loading: 0, slots: [] },
  ],
};

const executor = (executorId: string, device: string, simulated: boolean, loading = 0): ExecutorAnnouncement => ({
  executorId,
  revision: 'r',
  device: device as ExecutorAnnouncement['device'],
  backend: 'onnxruntime',
  executionProvider: 'cpu',
  simulated,
  pid: 1,
  host: 'h',
  heartbeatMs: 1000,
  slots: Array.from({ length: loading }, (_, i) => ({
    slotId: `${executorId}/x/${i}`,
    subject: 's',
    model: 'x',
    version: 1,
    group: 'g',
    instance: `g_${i}`,
    passive: false,
    rateLimiter: { resources: [], priority: 1 },
    state: 'loading' as const,
    stats,
  })),
});

const input: MetricsInput = {
  versions: [
    { name: 'simple', version: 1 },
    { name: 'idle_model', version: 2 },
  ],
  statistics: { models: [{ name: 'simple', version: 1, stats }] },
  scheduler,
  executors: [executor('cpu', 'cpu', false, 2), executor('gpu-0', 'gpu:0', true)],
  rateLimiter: { rateLimit: 'execution_count', pools: [{ pool: 'global', name: 'R1', total: 4, allocated: 1 }], staged: [{ id: 'x', waitingMs: 3, overtakes: 0 }], instances: [] },
};

const lines = (text: string) => text.split('\n');

describe('the /metrics page', () => {
  it("has Triton's families, help texts, types and labels, with the deployment's figures", async () => {
    const text = await new MetricsPage({ counterLatencies: true }).render(input);
    expect(lines(text)).toEqual(
      expect.arrayContaining([
        '# HELP nv_inference_request_success Number of successful inference requests, all batch sizes',
        '# TYPE nv_inference_request_success counter',
        'nv_inference_request_success{model="simple",version="1"} 4',
        'nv_inference_request_failure{model="simple",version="1",reason="REJECTED"} 2',
        'nv_inference_request_failure{model="simple",version="1",reason="BACKEND"} 1',
        'nv_inference_count{model="simple",version="1"} 6',
        'nv_inference_exec_count{model="simple",version="1"} 3',
        'nv_inference_request_duration_us{model="simple",version="1"} 9000',
        'nv_inference_queue_duration_us{model="simple",version="1"} 2000',
        'nv_inference_compute_input_duration_us{model="simple",version="1"} 2',
        'nv_inference_compute_infer_duration_us{model="simple",version="1"} 5000',
        'nv_inference_compute_output_duration_us{model="simple",version="1"} 3',
        '# TYPE nv_inference_pending_request_count gauge',
        'nv_inference_pending_request_count{model="simple",version="1"} 5',
        // A loaded version with nothing served yet reads 0, as in Triton.
        'nv_inference_request_success{model="idle_model",version="2"} 0',
      ]),
    );
  });

  it('leaves out a version that is no longer loaded, whatever it counted', async () => {
    const text = await new MetricsPage({ counterLatencies: true }).render({ ...input, versions: [{ name: 'idle_model', version: 2 }] });
    expect(text).not.toContain('model="simple"');
    expect(text).toContain('nv_inference_count{model="idle_model",version="2"} 0');
  });

  it("has Flotilla's own gauges beside them: slots per device and state, stand-in GPUs marked, rate limiter pools", async () => {
    const text = await new MetricsPage({ counterLatencies: true }).render(input);
    expect(lines(text)).toEqual(
      expect.arrayContaining([
        'flotilla_slots{device="cpu",simulated="false",state="busy"} 1',
        'flotilla_slots{device="gpu:0",simulated="true",state="idle"} 1',
        'flotilla_slots{device="cpu",simulated="false",state="loading"} 2',
        'flotilla_executor_info{executor="gpu-0",device="gpu:0",execution_provider="cpu",simulated="true"} 1',
        'flotilla_statistics_stale_executors 0',
        'flotilla_rate_limiter_resource_total{pool="global",resource="R1"} 4',
        'flotilla_rate_limiter_resource_allocated{pool="global",resource="R1"} 1',
        'flotilla_rate_limiter_waiting_instances 1',
      ]),
    );
  });

  it('leaves the latency counters out with counter_latencies=false, and each scrape sets values afresh', async () => {
    const page = new MetricsPage({ counterLatencies: false });
    expect(await page.render(input)).not.toContain('nv_inference_queue_duration_us');
    const later = await page.render({ ...input, statistics: { models: [{ name: 'simple', version: 1, stats: { ...stats, success: { count: 10, ns: 1 } } }], stale: ['gpu-0'] } });
    expect(lines(later)).toEqual(expect.arrayContaining(['nv_inference_request_success{model="simple",version="1"} 10', 'flotilla_statistics_stale_executors 1']));
  });
});
