// Issue 12's "done when": after N requests, the statistics extension, /metrics and the traces
// all say N — the first two read right after the last response (exact on read), the traces once
// the services' batched OTLP exports have arrived (they leave every 500 ms).
import { http, postJson, range, simpleRequest, startFlotilla, type TestFlotilla } from './support/flotilla';
import { startOtlpReceiver, type OtlpReceiver } from './support/otlp-receiver';
import { testRepository } from './support/repository';

let flotilla: TestFlotilla;
let receiver: OtlpReceiver;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  flotilla = await startFlotilla({
    name: 'observability-counts',
    modelRepository: testRepository(),
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint },
    // Every request traced (Triton's trace_rate 1); executors beat once a minute.
    gatewayFlags: ['--trace-config', 'level=TIMESTAMPS', '--trace-config', 'rate=1'],
    executors: [{ device: 'cpu', extraFlags: ['--heartbeat-ms', '60000'] }],
  });
});

afterAll(async () => {
  await flotilla?.stop();
  await receiver?.close();
});

it('after N requests, the statistics, /metrics and the trace count all say N', async () => {
  const n = 9;
  for (const i of range(n)) expect((await postJson(`${flotilla.url}/v2/models/simple/infer`, simpleRequest(range(16), range(16).map(() => i)))).status).toBe(200);

  const stats = (await http(`${flotilla.url}/v2/models/simple/stats`)).json<{ model_stats: { inference_stats: { success: { count: number } } }[] }>();
  expect(stats.model_stats[0].inference_stats.success.count).toBe(n);
  const page = (await http(flotilla.metricsUrl!)).body.toString('utf8');
  expect(page).toContain(`nv_inference_request_success{model="simple",version="1"} ${n}\n`);

  const count = (name: string) => receiver.spans.filter((span) => span.name === name).length;
  const deadline = Date.now() + 20_000;
  while ((count('InferRequest') < n || count('compute') < n) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  expect(count('InferRequest')).toBe(n);
  // One compute span per request too, from the executor's own export.
  expect(count('compute')).toBe(n);
});
