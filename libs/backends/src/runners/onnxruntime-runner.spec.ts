import { rmSync } from 'node:fs';
import type { Tensor } from '@flotilla/contracts';
import { buildWorkspace, cpuSlotSpec, generateTestModels } from '../testing/compiled-fixtures';
import { createOnnxRuntimeRunner } from './onnxruntime-runner';
import type { ModelRunner } from './model-runner';

const fp32 = (name: string, shape: number[], values: Float32Array): Tensor => ({
  name,
  datatype: 'FP32',
  shape,
  data: new Uint8Array(values.buffer, values.byteOffset, values.byteLength),
});
const asFloats = (tensor: Tensor) => new Float32Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength / 4);

// The runner on this thread, as a slot's thread script gets it from loadRunner (which requires the
// compiled runner lazily, so the specs of the thread lifecycle cover that switch): run, release.
describe('the onnxruntime runner', { timeout: 30_000 }, () => {
  let repository: string;
  let simple: ModelRunner;

  beforeAll(async () => {
    buildWorkspace(); // for the model generator
    repository = generateTestModels();
    simple = await createOnnxRuntimeRunner(cpuSlotSpec(repository, 'simple'));
  }, 120_000);
  afterAll(async () => {
    await simple.release();
    rmSync(repository, { recursive: true, force: true });
  });

  it("reads the model's inputs and outputs from its graph", () => {
    expect(simple.inputNames).toEqual(['INPUT0', 'INPUT1']);
    expect(simple.outputNames).toEqual(['OUTPUT0', 'OUTPUT1']);
  });

  it('simple gives exact sums and differences', async () => {
    const a = Float32Array.from({ length: 16 }, (_, i) => i + 0.25);
    const b = Float32Array.from({ length: 16 }, (_, i) => 3 * i - 7);
    const outputs = await simple.run([fp32('INPUT0', [1, 16], a), fp32('INPUT1', [1, 16], b)], simple.outputNames);
    expect(outputs.map(({ name, datatype, shape }) => ({ name, datatype, shape }))).toEqual([
      { name: 'OUTPUT0', datatype: 'FP32', shape: [1, 16] },
      { name: 'OUTPUT1', datatype: 'FP32', shape: [1, 16] },
    ]);
    expect(Array.from(asFloats(outputs[0]))).toEqual(Array.from(a, (x, i) => x + b[i]));
    expect(Array.from(asFloats(outputs[1]))).toEqual(Array.from(a, (x, i) => x - b[i]));
  });

  it('marks its own run inside the call, so input tensors and output reads are charged apart', async () => {
    const ones = new Float32Array(16).fill(1);
    const timing: { inferStartMs?: number; inferEndMs?: number } = {};
    const before = performance.timeOrigin + performance.now();
    await simple.run([fp32('INPUT0', [1, 16], ones), fp32('INPUT1', [1, 16], ones)], simple.outputNames, timing);
    const after = performance.timeOrigin + performance.now();
    expect(timing.inferStartMs).toBeGreaterThanOrEqual(before);
    expect(timing.inferEndMs).toBeGreaterThanOrEqual(timing.inferStartMs!);
    expect(after).toBeGreaterThanOrEqual(timing.inferEndMs!);
  });

  it('computes only the outputs asked for', async () => {
    const ones = new Float32Array(16).fill(1);
    const outputs = await simple.run([fp32('INPUT0', [1, 16], ones), fp32('INPUT1', [1, 16], ones)], ['OUTPUT1']);
    expect(outputs.map((t) => t.name)).toEqual(['OUTPUT1']);
    expect(Array.from(asFloats(outputs[0]))).toEqual(new Array(16).fill(0));
  });

  it('reads an input given as a view at an odd offset into a larger buffer', async () => {
    const values = Float32Array.from({ length: 16 }, (_, i) => i);
    const payload = new Uint8Array(1 + 64 + 3);
    payload.set(new Uint8Array(values.buffer), 1);
    const view: Tensor = { name: 'INPUT0', datatype: 'FP32', shape: [1, 16], data: payload.subarray(1, 65) };
    const [sum] = await simple.run([view, { ...view, name: 'INPUT1' }], ['OUTPUT0']);
    expect(Array.from(asFloats(sum))).toEqual(Array.from(values, (x) => 2 * x));
  });

  it('rejects inputs whose bytes do not fit their shape, and a run the model refuses, and stays usable', async () => {
    const short: Tensor = { name: 'INPUT0', datatype: 'FP32', shape: [1, 16], data: new Uint8Array(8) };
    await expect(simple.run([short, { ...short, name: 'INPUT1' }], simple.outputNames)).rejects.toMatchObject({ code: 'INVALID_ARG', message: expect.stringMatching(/64 bytes, got 8/) });
    const wrongWidth = fp32('INPUT0', [1, 3], new Float32Array(3));
    await expect(simple.run([wrongWidth, { ...wrongWidth, name: 'INPUT1' }], simple.outputNames)).rejects.toThrow();
    const ones = new Float32Array(16).fill(1);
    await expect(simple.run([fp32('INPUT0', [1, 16], ones), fp32('INPUT1', [1, 16], ones)], simple.outputNames)).resolves.toHaveLength(2);
  });
});
