import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Tensor } from '@flotilla/contracts';
import type { SlotSpec } from '../slot-spec';
import { createJavascriptRunner } from './javascript-runner';

const MODEL = `
let calls = 0;
module.exports = {
  initialize(context) { this.scale = Number(context.parameters.scale); this.device = context.device; },
  async execute(inputs, context) {
    calls++;
    const x = inputs.INPUT0.data;
    const y = new Float32Array(x.length).map((_, i) => x[i] * this.scale);
    return { OUTPUT0: { datatype: 'FP32', shape: inputs.INPUT0.shape, data: y }, CALLS: { datatype: 'INT32', shape: [1], data: [calls] }, DEVICE: { datatype: 'BYTES', shape: [1], data: [context.device] } };
  },
  finalize() { globalThis.finalizedScaleModel = true; },
};`;

// The runner on this thread, as a slot's thread script gets it from loadRunner (which requires the
// compiled runner lazily, so the specs of the thread lifecycle cover that switch): run, release.
describe('the javascript runner', () => {
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
    outputNames: ['OUTPUT0', 'CALLS', 'DEVICE'],
    parameters: { scale: '3' },
  });
  const input = (values: number[]): Tensor => ({ name: 'INPUT0', datatype: 'FP32', shape: [1, values.length], data: new Uint8Array(new Float32Array(values).buffer) });

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'flotilla-js-'));
    writeFileSync(join(dir, 'model.js'), MODEL);
    writeFileSync(join(dir, 'broken.js'), 'module.exports = { notExecute() {} };');
    writeFileSync(join(dir, 'throws.js'), "module.exports = { execute() { throw new Error('bad pixel'); } };");
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("runs model.js's execute with the config's parameters and device, keeping module state, then finalizes it", async () => {
    const runner = await createJavascriptRunner(spec('model.js'));
    expect(runner.outputNames).toEqual(['OUTPUT0', 'CALLS', 'DEVICE']); // from the config: a model.js has no graph
    const [output, calls, device] = await runner.run([input([1, 2])], runner.outputNames);
    expect([...new Float32Array(output.data.buffer, output.data.byteOffset, 2)]).toEqual([3, 6]);
    expect(calls.data[0]).toBe(1);
    expect(Buffer.from(device.data.subarray(4)).toString()).toBe('gpu:1'); // after its 4-byte length prefix
    const second = await runner.run([input([0, 1])], ['CALLS']);
    expect(second.map((o) => o.name)).toEqual(['CALLS']);
    expect(second[0].data[0]).toBe(2);
    await runner.release();
    expect((globalThis as { finalizedScaleModel?: boolean }).finalizedScaleModel).toBe(true);
  });

  it('refuses a model.js without execute, naming the file', async () => {
    await expect(createJavascriptRunner(spec('broken.js'))).rejects.toThrow(/broken\.js does not export an execute\(inputs, context\) function/);
  });

  it("reports the model's own exception and stays usable", async () => {
    const runner = await createJavascriptRunner(spec('throws.js'));
    await expect(runner.run([input([1])], ['OUTPUT0'])).rejects.toThrow("javascript model 'scale' failed: bad pixel");
    await expect(runner.run([input([1])], ['OUTPUT0'])).rejects.toThrow('bad pixel');
  });
});
