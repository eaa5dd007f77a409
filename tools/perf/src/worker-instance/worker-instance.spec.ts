import type { Tensor } from '@flotilla/contracts';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildWorkspace,
  COMPILED_CRASHING_THREAD_SCRIPT,
  COMPILED_INSTANCE_THREAD_SCRIPT,
  COMPILED_WORKER_INSTANCE,
  cpuSlotSpec,
  generateTestModels,
  TEST_MATMUL,
} from '../testing/compiled-fixtures';
import { WorkerInstance } from './worker-instance';
import type { ExecuteResult } from './worker-instance-messages';

const fp32 = (name: string, shape: number[], values: Float32Array): Tensor => ({
  name,
  datatype: 'FP32',
  shape,
  data: new Uint8Array(values.buffer, values.byteOffset, values.byteLength),
});
const asFloats = (tensor: Tensor) => new Float32Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength / 4);

// Real threads and sessions on a 2-core host shared with other test files: allow more than Vitest's 5 s.
describe('WorkerInstance (real onnxruntime sessions in worker threads)', { timeout: 30_000 }, () => {
  let repository: string;
  const started: WorkerInstance[] = [];
  const start = async (modelName: string, slotId?: string) => {
    const slot = await WorkerInstance.start(cpuSlotSpec(repository, modelName, slotId), COMPILED_INSTANCE_THREAD_SCRIPT);
    started.push(slot);
    return slot;
  };

  beforeAll(() => {
    buildWorkspace();
    repository = generateTestModels();
  }, 120_000);
  afterEach(async () => {
    await Promise.all(started.splice(0).map((slot) => slot.close()));
  });
  afterAll(() => rmSync(repository, { recursive: true, force: true }));

  it('loads simple and reports its inputs and outputs', async () => {
    const slot = await start('simple');
    expect(slot.state).toBe('idle');
    expect(slot.inputNames).toEqual(['INPUT0', 'INPUT1']);
    expect(slot.outputNames).toEqual(['OUTPUT0', 'OUTPUT1']);
  });

  it('simple gives exact sums and differences', async () => {
    const slot = await start('simple');
    const a = Float32Array.from({ length: 16 }, (_, i) => i + 0.25);
    const b = Float32Array.from({ length: 16 }, (_, i) => 3 * i - 7);
    // Worked out first: a and b own their buffers, so execute() moves them to the thread.
    const sums = Array.from(a, (x, i) => x + b[i]);
    const differences = Array.from(a, (x, i) => x - b[i]);
    const { outputs, computeStartMs, computeEndMs } = await slot.execute([fp32('INPUT0', [1, 16], a), fp32('INPUT1', [1, 16], b)]);

    expect(outputs.map(({ name, datatype, shape }) => ({ name, datatype, shape }))).toEqual([
      { name: 'OUTPUT0', datatype: 'FP32', shape: [1, 16] },
      { name: 'OUTPUT1', datatype: 'FP32', shape: [1, 16] },
    ]);
    expect(Array.from(asFloats(outputs[0]))).toEqual(sums);
    expect(Array.from(asFloats(outputs[1]))).toEqual(differences);
    expect(computeEndMs).toBeGreaterThanOrEqual(computeStartMs);
    expect(Math.abs(computeStartMs - Date.now())).toBeLessThan(60_000); // epoch ms, not thread-relative
    expect(slot.state).toBe('idle');
  });

  it('computes only the outputs asked for', async () => {
    const slot = await start('simple');
    const ones = new Float32Array(16).fill(1);
    const { outputs } = await slot.execute([fp32('INPUT0', [1, 16], ones), fp32('INPUT1', [1, 16], ones)], ['OUTPUT1']);
    expect(outputs.map((t) => t.name)).toEqual(['OUTPUT1']);
    expect(Array.from(asFloats(outputs[0]))).toEqual(new Array(16).fill(0));
  });

  it('identity round-trips a 1 MiB tensor given as a view at an odd offset into a larger buffer', async () => {
    const slot = await start('identity_fp32');
    const count = (1024 * 1024) / 4;
    const payload = new Uint8Array(1 + count * 4 + 8); // e.g. a wire message: header byte, tensor, trailer
    const expected = Float32Array.from({ length: count }, (_, i) => i * 0.5 - 1000);
    payload.set(new Uint8Array(expected.buffer), 1);
    const input: Tensor = { name: 'INPUT0', datatype: 'FP32', shape: [1, count], data: payload.subarray(1, 1 + count * 4) };

    const { outputs } = await slot.execute([input]);

    expect(outputs[0].shape).toEqual([1, count]);
    expect(outputs[0].data.byteLength).toBe(count * 4);
    expect(Buffer.from(outputs[0].data).equals(Buffer.from(expected.buffer))).toBe(true);
    expect(payload.byteLength).toBe(1 + count * 4 + 8); // a view is copied, never detached from its owner
  });

  it('transfers a buffer the tensor owns wholly instead of cloning it', async () => {
    const slot = await start('identity_fp32');
    const values = Float32Array.from({ length: 1024 }, (_, i) => i);
    const input = fp32('INPUT0', [32, 32], values);

    const { outputs } = await slot.execute([input]);

    expect(values.buffer.byteLength).toBe(0); // moved to the thread, detached here
    expect(Array.from(asFloats(outputs[0]))).toEqual(Array.from({ length: 1024 }, (_, i) => i));
  });

  it('runs two matmul_chain slots at the same time: their compute intervals overlap', async () => {
    const [first, second] = await Promise.all([start('matmul_chain', 'matmul_chain_0'), start('matmul_chain', 'matmul_chain_1')]);
    const input = () => fp32('INPUT0', [1, TEST_MATMUL.size], new Float32Array(TEST_MATMUL.size).fill(0.5));
    const overlaps = (a: ExecuteResult, b: ExecuteResult) => a.computeStartMs < b.computeEndMs && b.computeStartMs < a.computeEndMs;

    // Slots that ran one after the other could never overlap, so one overlapping round proves
    // concurrency; a few rounds keep a busy CI host (other test files share the cores) from flaking it.
    let rounds = 0;
    let pair: ExecuteResult[] = [];
    do {
      pair = await Promise.all([first.execute([input()]), second.execute([input()])]);
      rounds++;
    } while (!overlaps(pair[0], pair[1]) && rounds < 10);

    expect(overlaps(pair[0], pair[1])).toBe(true);
    expect(Array.from(asFloats(pair[0].outputs[0]))).toEqual(Array.from(asFloats(pair[1].outputs[0]))); // same weights, same answer
  });

  it('rejects a second execute while the first is running, then carries on', async () => {
    const slot = await start('matmul_chain');
    const input = () => fp32('INPUT0', [1, TEST_MATMUL.size], new Float32Array(TEST_MATMUL.size).fill(0.1));
    const first = slot.execute([input()]);
    expect(slot.state).toBe('busy');
    await expect(slot.execute([input()])).rejects.toMatchObject({ code: 'UNAVAILABLE', message: expect.stringMatching(/busy/) });
    await expect(first).resolves.toBeDefined();
    expect(slot.state).toBe('idle');
  });

  it('rejects unknown or missing inputs and unknown outputs without leaving idle', async () => {
    const slot = await start('simple');
    const ones = fp32('INPUT0', [1, 16], new Float32Array(16));
    await expect(slot.execute([ones, { ...ones, name: 'INPUT9' }])).rejects.toMatchObject({ code: 'INVALID_ARG', message: expect.stringMatching(/INPUT9/) });
    await expect(slot.execute([ones])).rejects.toMatchObject({ code: 'INVALID_ARG', message: expect.stringMatching(/missing input.*INPUT1/) });
    await expect(slot.execute([ones, { ...ones, name: 'INPUT1' }], ['OUTPUT7'])).rejects.toMatchObject({ code: 'INVALID_ARG' });
    expect(slot.state).toBe('idle');
  });

  it('passes a failed run back as an error and stays usable', async () => {
    const slot = await start('simple');
    const wrongWidth = fp32('INPUT0', [1, 3], new Float32Array(3));
    await expect(slot.execute([wrongWidth, { ...wrongWidth, name: 'INPUT1', data: new Uint8Array(12) }])).rejects.toMatchObject({
      code: 'INTERNAL',
      message: expect.stringMatching(/simple.*onnxruntime failed to run/),
    });
    const short: Tensor = { name: 'INPUT0', datatype: 'FP32', shape: [1, 16], data: new Uint8Array(8) };
    await expect(slot.execute([short, { ...short, name: 'INPUT1' }])).rejects.toMatchObject({ code: 'INVALID_ARG', message: expect.stringMatching(/64 bytes, got 8/) });
    expect(slot.state).toBe('idle');
    const ones = new Float32Array(16).fill(1);
    await expect(slot.execute([fp32('INPUT0', [1, 16], ones), fp32('INPUT1', [1, 16], ones.slice())])).resolves.toBeDefined();
  });

  it('when the thread dies with a call in flight, the call rejects clearly and the slot is failed', async () => {
    const slot = await WorkerInstance.start(cpuSlotSpec(repository, 'simple'), COMPILED_CRASHING_THREAD_SCRIPT);
    started.push(slot);
    const ones = () => fp32('INPUT0', [1, 16], new Float32Array(16).fill(1));

    const inFlight = slot.execute([ones(), { ...ones(), name: 'INPUT1' }]);

    await expect(inFlight).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringMatching(
        /^slot simple_0 \(model 'simple' version 1\): worker thread exited unexpectedly with code 1: simulated crash in the instance thread while executing/,
      ),
    });
    expect(slot.state).toBe('failed');
    await expect(slot.execute([])).rejects.toMatchObject({ code: 'UNAVAILABLE', message: expect.stringMatching(/it is failed/) });
    await slot.close();
    expect(slot.state).toBe('closed');
  });

  it('close() ends the thread and refuses further work', async () => {
    const slot = await start('simple');
    await slot.close();
    expect(slot.state).toBe('closed');
    await expect(slot.execute([])).rejects.toMatchObject({ message: expect.stringMatching(/closed/) });
    await slot.close(); // idempotent
  });

  it('close() while busy rejects the in-flight call at once and lets the run finish before the thread ends', async () => {
    const slot = await start('matmul_chain');
    const inFlight = slot.execute([fp32('INPUT0', [1, TEST_MATMUL.size], new Float32Array(TEST_MATMUL.size))]);
    const rejected = expect(inFlight).rejects.toMatchObject({ code: 'UNAVAILABLE', message: expect.stringMatching(/closed while executing/) });
    await slot.close();
    await rejected;
    expect(slot.state).toBe('closed');
  });

  it('compiled, it finds its thread script next to itself without being told', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const compiled = require(join(COMPILED_WORKER_INSTANCE, 'worker-instance.js')) as typeof import('./worker-instance');
    const slot = await compiled.WorkerInstance.start(cpuSlotSpec(repository, 'simple'));
    started.push(slot);
    expect(slot.state).toBe('idle');
  });
});
