// A batch frame on a slot, without NATS or a thread: each request's reply, the executions the
// model saw, and the statistics. The model is a stand-in runner that records its calls (the
// end-to-end batch test, test/batch-execution.e2e.spec.ts, runs real ONNX Runtime sessions in a
// real slot thread over a real NATS server).
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import {
  decodeFrame,
  encodeBatchFrame,
  encodeFrame,
  type BatchEntry,
  type InferMeta,
  type ResultMeta,
  type Tensor,
} from '@flotilla/contracts';
import type { ModelRunner } from '@flotilla/backends';
import { PayloadExecutor } from './payload-executor';
import type { ServingConfig } from './serving-protocol';

const config = (tensors: ServingConfig['tensors']): ServingConfig => ({
  natsServers: 'nats://unused',
  subject: 'flotilla.executor.cpu-1.slot.1',
  executorId: 'cpu-1',
  device: 'cpu',
  slotId: `cpu-1/${tensors.name}/1/${tensors.name}_0`,
  modelVersion: 1,
  instance: `${tensors.name}_0`,
  tensors,
  releaseSubject: 'flotilla.slot.released', releaseBatch: 2,
  reportSpans: false,
});

/** X: FP32 [-1, -1] → DOUBLE = 2x and PLUS1 = x + 1. Any row width, so the guard for unjoinable shapes can be tried. */
const numericModel = config({
  name: 'numeric',
  max_batch_size: 8,
  input: [{ name: 'X', datatype: 'FP32', dims: [-1] }],
  output: [{ name: 'DOUBLE' }, { name: 'PLUS1' }],
});

/** S: BYTES [-1, 1] → UPPER = S upper-cased. */
const bytesModel = config({ name: 'shout', max_batch_size: 8, input: [{ name: 'S', datatype: 'BYTES', dims: [1] }], output: [{ name: 'UPPER' }] });

interface Run {
  readonly shapes: number[][];
  readonly outputs: readonly string[];
}

const f32 = (tensor: Tensor) => Array.from(new Float32Array(new Uint8Array(tensor.data).buffer));
const fp32 = (name: string, shape: number[], values: number[]): Tensor => ({ name, datatype: 'FP32', shape, data: new Uint8Array(new Float32Array(values).buffer) });

function numericRunner(runs: Run[], fail = false): ModelRunner {
  return {
    inputNames: ['X'],
    outputNames: ['DOUBLE', 'PLUS1'],
    async run(inputs, outputNames) {
      runs.push({ shapes: inputs.map((input) => [...input.shape]), outputs: [...outputNames] });
      if (fail) throw new Error('device lost');
      const [x] = inputs;
      const compute = { DOUBLE: (v: number) => v * 2, PLUS1: (v: number) => v + 1 } as Record<string, (v: number) => number>;
      return outputNames.map((name) => fp32(name, [...x.shape], f32(x).map(compute[name])));
    },
    async release() {},
  };
}

function bytesElements(tensor: Tensor): string[] {
  const data = Buffer.from(tensor.data);
  const out: string[] = [];
  for (let offset = 0; offset < data.byteLength; ) {
    const length = data.readUInt32LE(offset);
    out.push(data.subarray(offset + 4, offset + 4 + length).toString('utf8'));
    offset += 4 + length;
  }
  return out;
}

function bytesTensor(name: string, shape: number[], strings: string[]): Tensor {
  const parts = strings.flatMap((s) => {
    const body = Buffer.from(s, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32LE(body.byteLength);
    return [length, body];
  });
  return { name, datatype: 'BYTES', shape, data: new Uint8Array(Buffer.concat(parts)) };
}

function bytesRunner(runs: Run[]): ModelRunner {
  return {
    inputNames: ['S'],
    outputNames: ['UPPER'],
    async run(inputs, outputNames) {
      runs.push({ shapes: inputs.map((input) => [...input.shape]), outputs: [...outputNames] });
      return [bytesTensor('UPPER', [...inputs[0].shape], bytesElements(inputs[0]).map((s) => s.toUpperCase()))];
    },
    async release() {},
  };
}

interface Request {
  readonly inputs: Tensor[];
  readonly outputs?: string[];
  readonly deadline?: number;
  readonly id?: string;
  readonly queueMicros?: number;
  readonly inputsAt?: InferMeta['inputsAt'];
}

let replySeq = 0;
function entry(model: string, request: Request): BatchEntry {
  const meta: InferMeta = {
    model,
    version: '',
    outputs: request.outputs ?? [],
    deadline: request.deadline ?? Date.now() + 60_000,
    ...(request.id ? { id: request.id } : {}),
    ...(request.inputsAt ? { inputsAt: request.inputsAt } : {}),
  };
  return {
    frame: encodeFrame<InferMeta>(meta, request.inputsAt ? [] : request.inputs),
    replyTo: `_INBOX.test.${++replySeq}`,
    queueMicros: request.queueMicros ?? 0,
    traceparent: `00-${'a'.repeat(32)}-${String(replySeq).padStart(16, '0')}-01`,
  };
}

const rowsOf = (n: number, first: number, width = 2) => fp32('X', [n, width], Array.from({ length: n * width }, (_, i) => first + i));

describe('PayloadExecutor.executeBatch', () => {
  it('runs requests of 1 + 2 + 3 rows as one execution and answers each with only its outputs and its own shapes, in request order', async () => {
    const runs: Run[] = [];
    const executor = new PayloadExecutor(numericRunner(runs), numericModel, 1 << 20);
    const entries = [
      entry('numeric', { inputs: [rowsOf(1, 0)], outputs: ['DOUBLE'], queueMicros: 100 }),
      entry('numeric', { inputs: [rowsOf(2, 10)], outputs: ['PLUS1'], queueMicros: 200 }),
      entry('numeric', { inputs: [rowsOf(3, 20)], queueMicros: 300 }),
    ];
    const outcome = await executor.executeBatch(encodeBatchFrame(entries));

    expect(runs).toEqual([{ shapes: [[6, 2]], outputs: ['DOUBLE', 'PLUS1'] }]);
    expect(outcome.replies.map((reply) => reply.replyTo)).toEqual(entries.map((e) => e.replyTo));
    const [first, second, third] = outcome.replies.map((reply) => decodeFrame<ResultMeta>(reply.reply));
    expect(first.tensors.map((t) => [t.name, t.shape, f32(t)])).toEqual([['DOUBLE', [1, 2], [0, 2]]]);
    expect(second.tensors.map((t) => [t.name, t.shape, f32(t)])).toEqual([['PLUS1', [2, 2], [11, 12, 13, 14]]]);
    expect(third.tensors.map((t) => [t.name, t.shape])).toEqual([
      ['DOUBLE', [3, 2]],
      ['PLUS1', [3, 2]],
    ]);
    expect(f32(third.tensors[0])).toEqual([40, 42, 44, 46, 48, 50]);
    expect(second.meta.execution).toMatchObject({ instance: 'numeric_0', queueMicros: 200, tensorsVia: 'frame', batch: { requests: 3, size: 6 } });
    expect(outcome.replies.map((reply) => [reply.batchSize, reply.traceHeaders.traceparent])).toEqual(entries.map((e) => [6, e.traceparent]));

    const stats = executor.stats.snapshot();
    expect(stats).toMatchObject({ inferenceCount: 6, executionCount: 1, success: { count: 3 }, fail: { count: 0 }, queue: { count: 3, ns: 600_000 } });
    expect(Object.keys(stats.batches)).toEqual(['6']);
    expect(stats.batches['6'].count).toBe(1);
  });

  it('answers a wrong shape, an expired deadline and an unreadable frame each with its own error, and runs the rest without them', async () => {
    const runs: Run[] = [];
    const executor = new PayloadExecutor(numericRunner(runs), numericModel, 1 << 20);
    const good = [entry('numeric', { inputs: [rowsOf(1, 0)] }), entry('numeric', { inputs: [rowsOf(2, 5)] })];
    const wrongRank = entry('numeric', { inputs: [fp32('X', [1, 2, 1], [1, 2])], id: 'bad-shape' });
    const expired = entry('numeric', { inputs: [rowsOf(1, 0)], deadline: Date.now() - 1 });
    const garbage: BatchEntry = { frame: new Uint8Array([1, 2, 3]), replyTo: '_INBOX.garbage', queueMicros: 0 };
    const outcome = await executor.executeBatch(encodeBatchFrame([good[0], wrongRank, expired, garbage, good[1]]));

    const replies = outcome.replies.map((reply) => decodeFrame<ResultMeta>(reply.reply).meta);
    expect(replies[1].error).toEqual({ code: 'INVALID_ARG', message: "[request id: bad-shape] unexpected shape for input 'X' for model 'numeric'. Expected [-1,-1], got [1,2,1]" });
    expect(replies[2].error).toEqual({ code: 'UNAVAILABLE', message: 'Request timeout expired' });
    expect(replies[3].error?.message).toMatch(/malformed frame/);
    expect(outcome.replies[3].replyTo).toBe('_INBOX.garbage');
    expect([replies[0].error, replies[4].error]).toEqual([undefined, undefined]);
    expect(replies[4].execution?.batch).toEqual({ requests: 2, size: 3 });
    expect(runs).toEqual([{ shapes: [[3, 2]], outputs: ['DOUBLE', 'PLUS1'] }]);
    expect(outcome.replies.map((reply) => reply.error === undefined)).toEqual([true, false, false, false, true]);
    expect(executor.stats.snapshot()).toMatchObject({ inferenceCount: 3, executionCount: 1, success: { count: 2 }, fail: { count: 3 } });
  });

  it('runs requests whose rows cannot be joined as separate executions rather than failing them, still answering in request order', async () => {
    const runs: Run[] = [];
    const executor = new PayloadExecutor(numericRunner(runs), numericModel, 1 << 20);
    const outcome = await executor.executeBatch(
      encodeBatchFrame([entry('numeric', { inputs: [rowsOf(1, 0, 2)] }), entry('numeric', { inputs: [rowsOf(1, 0, 3)] }), entry('numeric', { inputs: [rowsOf(2, 0, 2)] })]),
    );
    expect(runs.map((run) => run.shapes)).toEqual([[[3, 2]], [[1, 3]]]);
    const shapes = outcome.replies.map((reply) => decodeFrame<ResultMeta>(reply.reply).tensors[0].shape);
    expect(shapes).toEqual([
      [1, 2],
      [1, 3],
      [2, 2],
    ]);
    const stats = executor.stats.snapshot();
    expect(stats).toMatchObject({ inferenceCount: 4, executionCount: 2, success: { count: 3 } });
    expect(Object.fromEntries(Object.entries(stats.batches).map(([size, stat]) => [size, stat.count]))).toEqual({ '3': 1, '1': 1 });
  });

  it("fails every request of an execution when the model fails, and counts no execution", async () => {
    const executor = new PayloadExecutor(numericRunner([], true), numericModel, 1 << 20);
    const outcome = await executor.executeBatch(encodeBatchFrame([entry('numeric', { inputs: [rowsOf(1, 0)] }), entry('numeric', { inputs: [rowsOf(1, 0)] })]));
    expect(outcome.replies.map((reply) => decodeFrame<ResultMeta>(reply.reply).meta.error)).toEqual([
      { code: 'INTERNAL', message: 'execution failed: device lost' },
      { code: 'INTERNAL', message: 'execution failed: device lost' },
    ]);
    expect(executor.stats.snapshot()).toMatchObject({ executionCount: 0, inferenceCount: 0, success: { count: 0 }, fail: { count: 2 } });
  });

  it('fails only the request whose reply NATS would refuse, counting it once, as a failure', async () => {
    const executor = new PayloadExecutor(numericRunner([]), numericModel, 450);
    // Reply frames: ~380 bytes of header and execution stamp, plus 8 bytes per row and output and a
    // descriptor per output: one row of one output fits, four rows of both do not.
    const outcome = await executor.executeBatch(encodeBatchFrame([entry('numeric', { inputs: [rowsOf(1, 0)], outputs: ['DOUBLE'] }), entry('numeric', { inputs: [rowsOf(4, 0)] })]));
    const [small, large] = outcome.replies.map((reply) => decodeFrame<ResultMeta>(reply.reply).meta);
    expect(small.error).toBeUndefined();
    expect(large.error?.message).toMatch(/exceeds the NATS server's max_payload of 450 bytes/);
    expect(large.error?.code).toBe('TOO_LARGE');
    expect(executor.stats.snapshot()).toMatchObject({ executionCount: 1, inferenceCount: 5, success: { count: 1 }, fail: { count: 1 } });
  });

  it('joins and cuts BYTES tensors, and refuses a request whose BYTES elements do not match its shape before joining it', async () => {
    const runs: Run[] = [];
    const executor = new PayloadExecutor(bytesRunner(runs), bytesModel, 1 << 20);
    const surplus = bytesTensor('S', [1, 1], ['x', 'y']); // two elements for a [1,1] shape would shift every later row
    const outcome = await executor.executeBatch(
      encodeBatchFrame([
        entry('shout', { inputs: [bytesTensor('S', [2, 1], ['héllo', ''])] }),
        entry('shout', { inputs: [surplus], id: 'r2' }),
        entry('shout', { inputs: [bytesTensor('S', [1, 1], ['wörld'])] }),
      ]),
    );
    const replies = outcome.replies.map((reply) => decodeFrame<ResultMeta>(reply.reply));
    expect(replies[0].tensors.map((t) => [t.shape, bytesElements(t)])).toEqual([[[2, 1], ['HÉLLO', '']]]);
    expect(replies[1].meta.error?.message).toBe("[request id: r2] BYTES input 'S' holds 2 element(s), but its shape [1,1] needs 1");
    expect(replies[2].tensors.map((t) => [t.shape, bytesElements(t)])).toEqual([[[1, 1], ['WÖRLD']]]);
    expect(runs).toEqual([{ shapes: [[3, 1]], outputs: ['UPPER'] }]);
  });

  it("answers each request the way its inputs came: outputs in a shared-memory file next to that request's own input file", async () => {
    const executor = new PayloadExecutor(numericRunner([]), numericModel, 1 << 20);
    const path = `/dev/shm/flotilla-tensors-batch-spec-${process.pid}.in`;
    const input = rowsOf(2, 3);
    writeFileSync(path, input.data);
    try {
      const viaFile = entry('numeric', { inputs: [], outputs: ['DOUBLE'], inputsAt: { path, tensors: [{ name: 'X', datatype: 'FP32', shape: [2, 2], byteLength: 16 }] } });
      const outcome = await executor.executeBatch(encodeBatchFrame([entry('numeric', { inputs: [rowsOf(1, 0)] }), viaFile]));
      const [inFrame, inFile] = outcome.replies.map((reply) => decodeFrame<ResultMeta>(reply.reply));
      expect(inFrame.meta.outputsAt).toBeUndefined();
      expect(inFrame.tensors).toHaveLength(2);
      expect(inFile.meta.execution?.tensorsVia).toBe('shared-memory');
      expect(inFile.tensors).toEqual([]);
      expect(inFile.meta.outputsAt).toEqual({ path: `${path}.out`, tensors: [{ name: 'DOUBLE', datatype: 'FP32', shape: [2, 2], byteLength: 16 }] });
      expect(Array.from(new Float32Array(new Uint8Array(readFileSync(`${path}.out`)).buffer))).toEqual([6, 8, 10, 12]);
    } finally {
      rmSync(path, { force: true });
      rmSync(`${path}.out`, { force: true });
    }
  });

  it('rejects a batch frame it cannot read at all, since no request in it can be answered', async () => {
    const executor = new PayloadExecutor(numericRunner([]), numericModel, 1 << 20);
    await expect(executor.executeBatch(new Uint8Array([9, 0, 0, 0, 1]))).rejects.toThrow(/malformed frame/);
  });
});
