import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { generateModels } from './generate-models';

// Small enough to build and run in milliseconds; the default size is checked by measure.ts.
const SMALL_CHAIN = { matmulSize: 64, matmulLayers: 4 };

describe('generateModels', () => {
  let outDir: string;
  beforeEach(() => {
    outDir = mkdtempSync(join(tmpdir(), 'flotilla-models-'));
  });
  afterEach(() => rmSync(outDir, { recursive: true, force: true }));

  const load = (model: string) => InferenceSession.create(join(outDir, model, '1', 'model.onnx'), { intraOpNumThreads: 1 });

  it('writes the four models into <out>/<model>/1/model.onnx with a stamp', () => {
    const written = generateModels(outDir, SMALL_CHAIN);
    expect(written.map((m) => [m.name, m.action])).toEqual([
      ['simple', 'written'],
      ['identity_fp32', 'written'],
      ['identity_bytes', 'written'],
      ['matmul_chain', 'written'],
    ]);
    for (const model of written) {
      expect(model.path).toBe(join(outDir, model.name, '1', 'model.onnx'));
      expect(statSync(`${model.path}.stamp`).isFile()).toBe(true);
    }
  });

  it('simple adds and subtracts exactly', async () => {
    generateModels(outDir, { models: ['simple'] });
    const session = await load('simple');
    expect(session.inputNames).toEqual(['INPUT0', 'INPUT1']);
    expect(session.outputNames).toEqual(['OUTPUT0', 'OUTPUT1']);
    const a = Float32Array.from({ length: 32 }, (_, i) => i * 1.5);
    const b = Float32Array.from({ length: 32 }, (_, i) => 100 - i);
    const out = await session.run({ INPUT0: new Tensor('float32', a, [2, 16]), INPUT1: new Tensor('float32', b, [2, 16]) });
    expect(Array.from(out.OUTPUT0.data as Float32Array)).toEqual(Array.from(a, (x, i) => x + b[i]));
    expect(Array.from(out.OUTPUT1.data as Float32Array)).toEqual(Array.from(a, (x, i) => x - b[i]));
    await session.release();
  });

  it('identity_fp32 returns any 2-D tensor unchanged', async () => {
    generateModels(outDir, { models: ['identity_fp32'] });
    const session = await load('identity_fp32');
    const data = Float32Array.from({ length: 3 * 5 }, (_, i) => Math.sin(i));
    const out = await session.run({ INPUT0: new Tensor('float32', data, [3, 5]) });
    expect(out.OUTPUT0.dims).toEqual([3, 5]);
    expect(out.OUTPUT0.data).toEqual(data);
    await session.release();
  });

  it('identity_bytes returns a batch of strings unchanged', async () => {
    generateModels(outDir, { models: ['identity_bytes'] });
    const session = await load('identity_bytes');
    const strings = ['a', '', 'ünïcödé'];
    const out = await session.run({ INPUT0: new Tensor('string', strings, [1, 3]) });
    expect(out.OUTPUT0.dims).toEqual([1, 3]);
    expect(out.OUTPUT0.data).toEqual(strings);
    await session.release();
  });

  it('matmul_chain maps [batch, N] to bounded [batch, N]', async () => {
    generateModels(outDir, { models: ['matmul_chain'], ...SMALL_CHAIN });
    const session = await load('matmul_chain');
    const out = await session.run({ INPUT0: new Tensor('float32', new Float32Array(2 * 64).fill(0.5), [2, 64]) });
    expect(out.OUTPUT0.dims).toEqual([2, 64]);
    const values = out.OUTPUT0.data as Float32Array;
    expect(values.every((v) => Number.isFinite(v) && Math.abs(v) <= 1)).toBe(true);
    expect(values.some((v) => v !== 0)).toBe(true);
    await session.release();
  });

  it('builds byte-identical matmul_chain files from the same seed (no Math.random)', () => {
    const other = mkdtempSync(join(tmpdir(), 'flotilla-models-'));
    try {
      const [first] = generateModels(outDir, { models: ['matmul_chain'], ...SMALL_CHAIN });
      const [second] = generateModels(other, { models: ['matmul_chain'], ...SMALL_CHAIN });
      expect(readFileSync(first.path).equals(readFileSync(second.path))).toBe(true);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('skips models already generated with the same parameters, regenerates when they change', () => {
    generateModels(outDir, SMALL_CHAIN);
    expect(generateModels(outDir, SMALL_CHAIN).map((m) => m.action)).toEqual(['skipped', 'skipped', 'skipped', 'skipped']);

    const [resized] = generateModels(outDir, { models: ['matmul_chain'], matmulSize: 32, matmulLayers: 4 });
    expect(resized.action).toBe('written');
    expect(resized.bytes).toBeLessThan(64 * 64 * 4);
  });

  it('regenerates a model whose file was deleted even though its stamp is still there', () => {
    const [simple] = generateModels(outDir, { models: ['simple'] });
    rmSync(simple.path);
    expect(generateModels(outDir, { models: ['simple'] })[0].action).toBe('written');
  });
});
