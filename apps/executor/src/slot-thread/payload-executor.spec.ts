// The per-payload logic of a slot's serving thread, without NATS or a thread: a request frame in,
// the gateway's reply frame out, statistics recorded. The model is a stand-in runner (the real
// runners have their own tests, and the end-to-end tests run this class in real slot threads).
import { decodeFrame, encodeFrame, type InferMeta, type ResultMeta, type Tensor } from '@flotilla/contracts';
import type { ModelRunner } from '@flotilla/backends';
import { PayloadExecutor } from './payload-executor';
import type { ServingConfig } from './serving-protocol';

const config: ServingConfig = {
  natsServers: 'nats://unused',
  subject: 'flotilla.executor.cpu-1.slot.1',
  executorId: 'cpu-1',
  device: 'cpu',
  slotId: 'cpu-1/double/1/double_0',
  modelVersion: 1,
  instance: 'double_0',
  tensors: { name: 'double', max_batch_size: 4, input: [{ name: 'X', datatype: 'FP32', dims: [2] }], output: [{ name: 'Y' }] },
  releaseSubject: 'flotilla.slot.released', releaseBatch: 2,
  reportSpans: false,
};

/** Doubles X into Y; fails when told to. */
const doubler = (fail = false): ModelRunner => ({
  inputNames: ['X'],
  outputNames: ['Y'],
  async run(inputs: readonly Tensor[]) {
    if (fail) throw new Error('device lost');
    const x = new Float32Array(new Uint8Array(inputs[0].data).buffer);
    return [{ name: 'Y', datatype: 'FP32', shape: inputs[0].shape, data: new Uint8Array(x.map((v) => v * 2).buffer) }];
  },
  async release() {},
});

const request = (values: number[], shape = [1, 2]) =>
  encodeFrame<InferMeta>({ model: 'double', version: '', outputs: [], id: 'r1', deadline: Date.now() + 1000 }, [
    { name: 'X', datatype: 'FP32', shape, data: new Uint8Array(new Float32Array(values).buffer) },
  ]);

describe('PayloadExecutor', () => {
  it('runs a payload and answers with outputs and where it ran', async () => {
    const executor = new PayloadExecutor(doubler(), config, 1 << 20);
    const outcome = await executor.execute(request([1.5, -2]), 250);
    const reply = decodeFrame<ResultMeta>(outcome.reply);
    expect(reply.meta.error).toBeUndefined();
    expect(Array.from(new Float32Array(new Uint8Array(reply.tensors[0].data).buffer))).toEqual([3, -4]);
    expect(reply.meta.execution).toMatchObject({ executorId: 'cpu-1', instance: 'double_0', slotId: config.slotId, queueMicros: 250, tensorsVia: 'frame' });
    const stats = executor.stats.snapshot();
    expect(stats.success.count).toBe(1);
    expect(stats.queue.ns).toBe(250_000);
    expect(stats.batches['1'].count).toBe(1);
    expect(stats.computeInput.count).toBe(1);
    expect(stats.computeOutput.count).toBe(1);
    expect(stats.success.ns).toBeGreaterThanOrEqual(250_000 + stats.computeInfer.ns);
  });

  it("splits compute at the runner's own run when the runner marks it (compute_input / compute_infer / compute_output)", async () => {
    // A runner that spends measurable time making inputs and reading outputs around its run.
    const busy = (ms: number) => {
      const until = performance.now() + ms;
      while (performance.now() < until);
    };
    const marking: ModelRunner = {
      ...doubler(),
      async run(inputs, names, timing) {
        busy(3);
        if (timing) timing.inferStartMs = performance.timeOrigin + performance.now();
        const outputs = await doubler().run(inputs, names);
        if (timing) timing.inferEndMs = performance.timeOrigin + performance.now();
        busy(3);
        return outputs;
      },
    };
    const executor = new PayloadExecutor(marking, config, 1 << 20);
    await executor.execute(request([1, 2]), 0);
    const { computeInput, computeInfer, computeOutput } = executor.stats.snapshot();
    // The busy work is charged to input and output, not to the run.
    expect(computeInput.ns).toBeGreaterThan(computeInfer.ns);
    expect(computeOutput.ns).toBeGreaterThan(computeInfer.ns);
  });

  it("answers a request past its deadline with Triton's timeout error, without running the model", async () => {
    const executor = new PayloadExecutor(doubler(true), config, 1 << 20);
    const expired = encodeFrame<InferMeta>({ model: 'double', version: '', outputs: [], deadline: Date.now() - 1 }, [
      { name: 'X', datatype: 'FP32', shape: [1, 2], data: new Uint8Array(8) },
    ]);
    const reply = decodeFrame<ResultMeta>((await executor.execute(expired, 0)).reply);
    expect(reply.meta.error).toEqual({ code: 'UNAVAILABLE', message: 'Request timeout expired' });
    expect(executor.stats.snapshot()).toMatchObject({ fail: { count: 1 }, executionCount: 0, failures: { REJECTED: 1 } });
  });

  it("answers a wrong shape with the validation's error, without running the model", async () => {
    const executor = new PayloadExecutor(doubler(true), config, 1 << 20);
    const outcome = await executor.execute(request([1, 2, 3], [1, 3]), 0);
    const reply = decodeFrame<ResultMeta>(outcome.reply);
    expect(reply.meta.error?.code).toBe('INVALID_ARG');
    expect(reply.meta.error?.message).toContain("[request id: r1] unexpected shape for input 'X'");
    expect(outcome.error).toContain("input 'X'");
    expect(executor.stats.snapshot()).toMatchObject({ fail: { count: 1 }, failures: { OTHER: 1, BACKEND: 0, REJECTED: 0 } });
  });

  it('answers a model failure and an undecodable payload as errors that name them', async () => {
    const failing = new PayloadExecutor(doubler(true), config, 1 << 20);
    const failed = decodeFrame<ResultMeta>((await failing.execute(request([1, 2]), 0)).reply);
    expect(failed.meta.error).toEqual({ code: 'INTERNAL', message: 'execution failed: device lost' });
    const garbage = decodeFrame<ResultMeta>((await failing.execute(new Uint8Array([1, 2]), 0)).reply);
    expect(garbage.meta.error?.message).toMatch(/shorter than the length prefix/);
    // Triton's reasons: the model's run failed (BACKEND); the payload could not be read (OTHER).
    expect(failing.stats.snapshot().failures).toEqual({ REJECTED: 0, CANCELED: 0, BACKEND: 1, OTHER: 1 });
  });

  it('refuses a reply larger than the NATS max_payload, saying so, and uses the new name after a rename', async () => {
    const executor = new PayloadExecutor(doubler(), config, 64);
    const tooBig = decodeFrame<ResultMeta>((await executor.execute(request([1, 2]), 0)).reply);
    expect(tooBig.meta.error?.message).toMatch(/exceeds the NATS server's max_payload of 64 bytes; .*raise max_payload in every nats-server's config/);
    expect(tooBig.meta.error?.code).toBe('TOO_LARGE');
    // The model ran (one execution), but the request failed: a failure, and not also a success.
    expect(executor.stats.snapshot()).toMatchObject({ success: { count: 0 }, fail: { count: 1 }, executionCount: 1, inferenceCount: 1, failures: { OTHER: 1 } });
    const roomy = new PayloadExecutor(doubler(), config, 1 << 20);
    roomy.instance = 'double_1';
    expect(decodeFrame<ResultMeta>((await roomy.execute(request([1, 2]), 0)).reply).meta.execution?.instance).toBe('double_1');
  });
});
