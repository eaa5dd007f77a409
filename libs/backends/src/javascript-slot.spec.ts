import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Tensor } from '@flotilla/contracts';
import { SlotWorker } from './slot-worker';
import type { SlotSpec } from './slot-spec';
import { buildWorkspace, COMPILED_THREAD_SCRIPT } from './testing/compiled-fixtures';

const MODEL = `
let calls = 0;
module.exports = {
  initialize(context) { this.scale = Number(context.parameters.scale); },
  async execute(inputs, context) {
    calls++;
    const x = inputs.INPUT0.data;
    const y = new Float32Array(x.length).map((_, i) => x[i] * this.scale);
    return { OUTPUT0: { datatype: 'FP32', shape: inputs.INPUT0.shape, data: y }, CALLS: { datatype: 'INT32', shape: [1], data: [calls] } };
  },
};`;

describe('SlotWorker with the javascript backend', { timeout: 30_000 }, () => {
  let dir: string;
  const spec = (file: string): SlotSpec => ({
    slotId: 'js_0',
    modelName: 'scale',
    modelVersion: 1,
    modelPath: join(dir, file),
    backend: 'javascript',
    executionProvider: 'cpu',
    deviceId: 0,
    intraOpThreads: 1,
    interOpThreads: 1,
    device: 'gpu:1',
    inputNames: ['INPUT0'],
    outputNames: ['OUTPUT0', 'CALLS'],
    parameters: { scale: '3' },
  });

  beforeAll(() => {
    buildWorkspace();
    dir = mkdtempSync(join(tmpdir(), 'flotilla-js-'));
    writeFileSync(join(dir, 'model.js'), MODEL);
    writeFileSync(join(dir, 'broken.js'), 'module.exports = { notExecute() {} };');
    writeFileSync(join(dir, 'throws.js'), "module.exports = { execute() { throw new Error('bad pixel'); } };");
  }, 60_000);

  it("runs model.js's execute in the slot thread with the config's parameters", async () => {
    const slot = await SlotWorker.start(spec('model.js'), { threadScript: COMPILED_THREAD_SCRIPT });
    const input: Tensor = { name: 'INPUT0', datatype: 'FP32', shape: [1, 2], data: new Uint8Array(new Float32Array([1, 2]).buffer) };
    const first = await slot.execute([input]);
    const [output, calls] = first.outputs;
    expect([...new Float32Array(output.data.buffer, output.data.byteOffset, 2)]).toEqual([3, 6]);
    expect(calls.data[0]).toBe(1);
    const second = await slot.execute([{ ...input, data: new Uint8Array(new Float32Array([0, 1]).buffer) }], ['CALLS']);
    expect(second.outputs.map((o) => o.name)).toEqual(['CALLS']);
    expect(second.outputs[0].data[0]).toBe(2); // module state lives as long as the slot
    await slot.close();
  });

  it('refuses a model.js without execute, naming the file', async () => {
    await expect(SlotWorker.start(spec('broken.js'), { threadScript: COMPILED_THREAD_SCRIPT })).rejects.toThrow(/broken\.js does not export an execute\(inputs, context\) function/);
  });

  it("reports the model's own exception and keeps the slot usable", async () => {
    const slot = await SlotWorker.start(spec('throws.js'), { threadScript: COMPILED_THREAD_SCRIPT });
    const input: Tensor = { name: 'INPUT0', datatype: 'FP32', shape: [1], data: new Uint8Array(4) };
    await expect(slot.execute([input])).rejects.toThrow("javascript model 'scale' failed: bad pixel");
    expect(slot.state).toBe('idle');
    await slot.close();
  });
});
