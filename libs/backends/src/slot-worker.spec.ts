import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Tensor } from '@flotilla/contracts';
import type { ThreadMessage } from './slot-messages';
import type { SlotExit, SlotSpec } from './slot-spec';
import { SlotWorker } from './slot-worker';
import { buildWorkspace, COMPILED_TEST_THREAD_SCRIPT, cpuSlotSpec, generateTestModels, TEST_MATMUL } from './testing/compiled-fixtures';

// Real threads and sessions on a 2-core host shared with other test files: allow more than Vitest's 5 s.
describe('SlotWorker (the lifecycle of real slot threads, through a test thread script)', { timeout: 30_000 }, () => {
  let repository: string;
  const started: SlotWorker[] = [];
  const start = async (spec: SlotSpec, options: { data?: unknown; onMessage?: (message: ThreadMessage) => void } = {}) => {
    const slot = await SlotWorker.start(spec, { threadScript: COMPILED_TEST_THREAD_SCRIPT, ...options });
    started.push(slot);
    return slot;
  };
  const nextMessage = (received: ThreadMessage[], kind: string) =>
    vi.waitFor(() => {
      const message = received.find((m) => m.kind === kind);
      if (!message) throw new Error(`no '${kind}' yet`);
      return message;
    });

  beforeAll(() => {
    buildWorkspace();
    repository = generateTestModels();
  }, 120_000);
  afterEach(async () => {
    await Promise.all(started.splice(0).map((slot) => slot.close()));
  });
  afterAll(() => rmSync(repository, { recursive: true, force: true }));

  it("starts once the thread has loaded the model, and knows the model's inputs and outputs", async () => {
    const slot = await start(cpuSlotSpec(repository, 'simple'));
    expect(slot.state).toBe('ready');
    expect(slot.inputNames).toEqual(['INPUT0', 'INPUT1']);
    expect(slot.outputNames).toEqual(['OUTPUT0', 'OUTPUT1']);
  });

  it("passes the owner's data and messages through both ways, transferring buffers", async () => {
    const received: ThreadMessage[] = [];
    const slot = await start(cpuSlotSpec(repository, 'simple'), { data: { crashWhileLoading: false }, onMessage: (message) => received.push(message) });
    const bytes = new Uint8Array([1, 2, 3]);
    slot.postToThread({ kind: 'echo', bytes }, [bytes.buffer]);
    expect(bytes.byteLength).toBe(0); // moved to the thread, detached here
    const echoed = await nextMessage(received, 'echoed');
    expect([...(echoed.bytes as Uint8Array)]).toEqual([1, 2, 3]);
  });

  it('close() ends the thread as expected, drops later messages, and may be called again', async () => {
    const slot = await start(cpuSlotSpec(repository, 'simple'));
    const exits: SlotExit[] = [];
    slot.on('exit', (exit) => exits.push(exit));
    await slot.close();
    expect(slot.state).toBe('closed');
    expect(exits).toEqual([{ slotId: 'simple_0', exitCode: 0, unexpected: false }]);
    expect(() => slot.postToThread({ kind: 'echo', bytes: new Uint8Array(1) })).not.toThrow();
    await slot.close();
  });

  it('close() never cuts a run short: the thread finishes it, then ends', async () => {
    const received: ThreadMessage[] = [];
    const slot = await start(cpuSlotSpec(repository, 'matmul_chain'), { onMessage: (message) => received.push(message) });
    const values = new Float32Array(TEST_MATMUL.size).fill(0.5);
    const input: Tensor = { name: 'INPUT0', datatype: 'FP32', shape: [1, TEST_MATMUL.size], data: new Uint8Array(values.buffer) };
    slot.postToThread({ kind: 'run', inputs: [input] });
    await slot.close();
    expect(received).toEqual([{ kind: 'ran', outputs: ['OUTPUT0'] }]);
  });

  it('when the thread dies, the slot is failed and exit listeners hear why', async () => {
    const slot = await start(cpuSlotSpec(repository, 'simple'));
    const exits: SlotExit[] = [];
    slot.on('exit', (exit) => exits.push(exit));
    slot.postToThread({ kind: 'crash' });
    await vi.waitFor(() => expect(exits).toHaveLength(1));
    expect(slot.state).toBe('failed');
    expect(exits).toEqual([{ slotId: 'simple_0', exitCode: 1, unexpected: true, error: expect.objectContaining({ message: 'simulated crash in the slot thread' }) }]);
    await slot.close();
    expect(slot.state).toBe('closed');
  });

  it('rejects when the thread dies while loading', async () => {
    const spec = cpuSlotSpec(repository, 'simple');
    await expect(start(spec, { data: { crashWhileLoading: true } })).rejects.toThrow(
      `slot simple_0 (model 'simple' version 1): worker thread exited unexpectedly with code 1: simulated crash while loading while loading model file ${spec.modelPath}`,
    );
  });

  it('rejects a missing model file with a message naming the file', async () => {
    const spec = { ...cpuSlotSpec(repository, 'simple'), modelPath: join(repository, 'nowhere', '1', 'model.onnx') };
    await expect(start(spec)).rejects.toThrow(`failed to load model file ${spec.modelPath} (execution provider cpu): `);
  });

  it('rejects a corrupt model file with a message naming the file', async () => {
    const corrupt = join(repository, 'corrupt.onnx');
    writeFileSync(corrupt, 'this is not a protobuf');
    const spec = { ...cpuSlotSpec(repository, 'corrupt'), modelPath: corrupt };
    await expect(start(spec)).rejects.toThrow(`failed to load model file ${corrupt} (execution provider cpu): `);
  });

  it('rejects a broken model.js, naming the file and the backend', async () => {
    const broken = join(repository, 'broken.js');
    writeFileSync(broken, 'module.exports = { notExecute() {} };');
    const spec: SlotSpec = { ...cpuSlotSpec(repository, 'broken'), backend: 'javascript', modelPath: broken };
    await expect(start(spec)).rejects.toThrow(`failed to load model file ${broken} (javascript backend): ${broken} does not export an execute(inputs, context) function`);
  });

  it('refuses a thread script that was not built', async () => {
    await expect(SlotWorker.start(cpuSlotSpec(repository, 'simple'), { threadScript: join(repository, 'missing.thread.js') })).rejects.toThrow(
      /worker script .*missing\.thread\.js not found; build with 'node tools\/build\/build\.mjs'/,
    );
  });
});
