// Instance groups across devices: three stand-in GPU executors and the cpu executor, each its own
// process, each owning the slots Triton's placement puts on its device.
import { http, matmulRequest, postJson, range, startFlotilla, type TestFlotilla } from './support/flotilla';
import { concurrencyRepository } from './support/repository';
import { maxConcurrent, type Run } from './support/runs';

interface SlotView {
  instance: string;
  device: string;
  simulated: boolean;
}

let flotilla: TestFlotilla;

beforeAll(async () => {
  flotilla = await startFlotilla({
    name: 'multi-device',
    modelRepository: concurrencyRepository(['mixed_gpus', 'sleep_serial', 'sleep_parallel']),
    executors: [{ device: 'cpu' }, ...range(3).map((id) => ({ device: `gpu:${id}`, simulate: true }))],
  });
});

afterAll(() => flotilla?.stop());

async function slotsOf(model: string): Promise<SlotView[]> {
  const status = (await http(`${flotilla.url}/v2/flotilla/slots`)).json<{ models: { name: string; slots: SlotView[] }[] }>();
  return status.models.filter((m) => m.name === model).flatMap((m) => m.slots);
}

const placement = (slots: SlotView[]) => slots.map((s) => `${s.device} ${s.instance}`).sort();

async function inferMany(model: string, count: number, body: () => unknown): Promise<Run[]> {
  const responses = await Promise.all(range(count).map(() => postJson(`${flotilla.url}/v2/models/${model}/infer`, body())));
  return responses.map((response) => {
    expect(response.status).toBe(200);
    return response.json<{ parameters: Run }>().parameters;
  });
}

const sleepRequest = () => ({ parameters: { flotilla_execution_info: true }, inputs: [{ name: 'INPUT0', shape: [1], datatype: 'FP32', data: [1] }] });

describe('placement of instance groups on devices', () => {
  it('puts 1 slot of the mixed-group model on gpu:0 and 2 on each of gpu:1 and gpu:2, all marked simulated', async () => {
    const slots = await slotsOf('mixed_gpus');
    expect(placement(slots)).toEqual(['gpu:0 mixed_gpus_0_0', 'gpu:1 mixed_gpus_1_0', 'gpu:1 mixed_gpus_1_1', 'gpu:2 mixed_gpus_1_0', 'gpu:2 mixed_gpus_1_1']);
    expect(slots.every((slot) => slot.simulated)).toBe(true);
  });

  it('spreads requests over all five slots, which run at the same time', async () => {
    const runs = await inferMany('mixed_gpus', 15, () => matmulRequest());
    expect(new Set(runs.map((r) => `${r.flotilla_device} ${r.flotilla_instance}`)).size).toBe(5);
    expect(maxConcurrent(runs)).toBeGreaterThanOrEqual(3);
  });
});

describe('a javascript model of known duration', () => {
  it('with count: 1 runs requests one after another', async () => {
    const runs = await inferMany('sleep_serial', 3, sleepRequest);
    expect(maxConcurrent(runs)).toBe(1);
  });

  it('with count: 3 runs three at a time, never more', async () => {
    const runs = await inferMany('sleep_parallel', 6, sleepRequest);
    expect(maxConcurrent(runs)).toBe(3);
    expect(new Set(runs.map((r) => r.flotilla_instance))).toEqual(new Set(['sleep_parallel_0_0', 'sleep_parallel_0_1', 'sleep_parallel_0_2']));
  });
});

describe('an executor that is stopped', () => {
  it('finishes what its slots hold while the rest take the new work: not one request fails', async () => {
    const pending = range(20).map(() => postJson(`${flotilla.url}/v2/models/mixed_gpus/infer`, { ...matmulRequest(), parameters: { flotilla_execution_info: true } }));
    await Promise.race(pending);
    await flotilla.cluster.service('executor:gpu:2').stop();
    const responses = await Promise.all(pending);
    expect(responses.map((r) => r.status)).toEqual(range(20).map(() => 200));
    const devices = new Set(responses.map((r) => r.json<{ parameters: Run }>().parameters.flotilla_device));
    expect(devices.has('gpu:0') && devices.has('gpu:1')).toBe(true);

    flotilla.cluster.startExecutor({ device: 'gpu:2', simulate: true });
    const deadline = Date.now() + 30_000;
    while ((await slotsOf('mixed_gpus')).filter((slot) => slot.device === 'gpu:2').length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(placement(await slotsOf('mixed_gpus'))).toHaveLength(5);
  });
});

describe('an executor that dies', () => {
  it('takes its slots with it while the model keeps serving on the rest, and gives them back on restart', async () => {
    await flotilla.cluster.service('executor:gpu:1').kill('SIGKILL');
    const deadline = Date.now() + 10_000;
    while ((await slotsOf('mixed_gpus')).some((slot) => slot.device === 'gpu:1') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(placement(await slotsOf('mixed_gpus'))).toEqual(['gpu:0 mixed_gpus_0_0', 'gpu:2 mixed_gpus_1_0', 'gpu:2 mixed_gpus_1_1']);
    expect((await http(`${flotilla.url}/v2/models/mixed_gpus/ready`)).status).toBe(200);
    const runs = await inferMany('mixed_gpus', 6, () => matmulRequest());
    expect(runs.some((r) => r.flotilla_device === 'gpu:1')).toBe(false);

    flotilla.cluster.startExecutor({ device: 'gpu:1', simulate: true });
    while ((await slotsOf('mixed_gpus')).length < 5 && Date.now() < deadline + 20_000) await new Promise((r) => setTimeout(r, 100));
    expect(placement(await slotsOf('mixed_gpus'))).toHaveLength(5);
    expect((await slotsOf('mixed_gpus')).filter((slot) => slot.device === 'gpu:1')).toHaveLength(2);
  });
});
