// Dynamic batching on the executor side, over the real serving path: batch frames sent over a real
// nats-server to the executor's compiled serving thread, running real ONNX Runtime sessions on the
// generated models (and a javascript model for BYTES). What a scheduler would send is built here
// by hand (encodeBatchFrame), so the executor's half is judged on its own: each request gets
// exactly its own outputs, byte for byte what the same request gets alone; one bad request fails
// alone; the statistics count B inferences and one execution; and the batch is released once.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SlotWorker, type SlotSpec, type ThreadMessage } from '@flotilla/backends';
import {
  decodeFrame,
  encodeBatchFrame,
  encodeFrame,
  HEADERS,
  SUBJECTS,
  type BatchEntry,
  type InferMeta,
  type ResultMeta,
  type SlotReleased,
  type SlotStatistics,
  type Tensor,
} from '@flotilla/contracts';
import { freePort, startNatsServer, type NatsServerProcess } from '@flotilla/local-cluster';
import { SlotStatisticsRecorder } from '@flotilla/execution';
import { MessageBus, type IncomingMessage } from '@flotilla/transport';
import { testRepository } from './support/repository';

const SERVING_THREAD = resolve(__dirname, '../dist/apps/executor/src/slot-thread/serving-thread.js');

let nats: NatsServerProcess;
let client: MessageBus;
let repository: string;
const replies = new Map<string, IncomingMessage>();
const releases: SlotReleased[] = [];
const workers: SlotWorker[] = [];

interface Slot {
  readonly subject: string;
  /** Its thread's statistics, read now from the memory it counts them in. */
  stats(): SlotStatistics;
  /** Every compute span report its thread sent (the thread reports them: the slot is started with reportSpans). */
  readonly spanReports: ThreadMessage[];
}

/** The executor's serving thread for one model, as SlotLoader starts it (ServingConfig spelled out: apps are not imported here). */
async function startSlot(model: string, tensors: object, spec: Partial<SlotSpec> = {}): Promise<Slot> {
  const lane = workers.length + 1;
  const subject = SUBJECTS.slotExecute('e2e-batch', lane);
  const statistics = new SlotStatisticsRecorder(8);
  const spanReports: ThreadMessage[] = [];
  const worker = await SlotWorker.start(
    {
      slotId: `e2e-batch/${model}/1/${model}_0`,
      modelName: model,
      modelVersion: 1,
      modelPath: join(repository, model, '1', 'model.onnx'),
      backend: 'onnxruntime',
      executionProvider: 'cpu',
      deviceId: 0,
      intraOpThreads: 1,
      interOpThreads: 1,
      ...spec,
    },
    {
      threadScript: SERVING_THREAD,
      data: {
        natsServers: nats.url,
        subject,
        executorId: 'e2e-batch',
        device: 'cpu',
        slotId: `e2e-batch/${model}/1/${model}_0`,
        modelVersion: 1,
        instance: `${model}_0`,
        tensors,
        statistics: statistics.buffer,
        releaseSubject: SUBJECTS.slotReleased,
        releaseBatch: 1,
        reportSpans: true,
      },
      onMessage: (message: ThreadMessage) => spanReports.push(message),
    },
  );
  workers.push(worker);
  return { subject, stats: () => statistics.snapshot(), spanReports };
}

const simpleTensors = {
  name: 'simple',
  max_batch_size: 8,
  input: [
    { name: 'INPUT0', datatype: 'FP32', dims: [16] },
    { name: 'INPUT1', datatype: 'FP32', dims: [16] },
  ],
  output: [{ name: 'OUTPUT0' }, { name: 'OUTPUT1' }],
};

let inbox = 0;
const nextInbox = () => `_INBOX.e2e-batch.${++inbox}`;
/** A distinct parent span per request, so that each compute span's parent can be told apart. */
const traceparentOf = (n: number) => `00-4bf92f3577b34da6a3ce929d0e0e4736-${n.toString(16).padStart(16, '0')}-01`;

/** A gateway frame for `model`, as the gateway builds it. */
function requestFrame(model: string, inputs: Tensor[], options: { outputs?: string[]; id?: string; deadline?: number } = {}): Uint8Array {
  return encodeFrame<InferMeta>(
    { model, version: '', outputs: options.outputs ?? [], deadline: options.deadline ?? Date.now() + 60_000, ...(options.id ? { id: options.id } : {}) },
    inputs,
  );
}

/** Sends one frame alone (no batch header) and returns its reply. */
async function runAlone(slot: Slot, frame: Uint8Array): Promise<ResultMeta & { tensors: Tensor[] }> {
  const reply = nextInbox();
  client.publish(slot.subject, frame, { reply, headers: { [HEADERS.queueMicros]: '0' } });
  const message = await waitForReply(reply);
  const decoded = decodeFrame<ResultMeta>(message.data);
  return { ...decoded.meta, tensors: decoded.tensors };
}

/** Sends the frames as one batch frame and returns the replies, in request order. */
async function runBatched(slot: Slot, frames: Uint8Array[], queueMicros: number[] = frames.map(() => 0)) {
  const entries: BatchEntry[] = frames.map((frame, i) => ({ frame, replyTo: nextInbox(), queueMicros: queueMicros[i], traceparent: traceparentOf(inbox) }));
  client.publish(slot.subject, encodeBatchFrame(entries), { headers: { [HEADERS.batch]: String(entries.length) } });
  const messages = await Promise.all(entries.map((entry) => waitForReply(entry.replyTo)));
  return messages.map((message) => {
    const decoded = decodeFrame<ResultMeta>(message.data);
    return { ...decoded.meta, tensors: decoded.tensors };
  });
}

function waitForReply(subject: string): Promise<IncomingMessage> {
  return vi.waitFor(
    () => {
      const message = replies.get(subject);
      if (!message) throw new Error(`no reply on ${subject} yet`);
      return message;
    },
    { timeout: 20_000, interval: 5 },
  );
}

const fp32 = (name: string, rows: number, width: number, seed: number): Tensor => {
  const values = Float32Array.from({ length: rows * width }, (_, i) => Math.sin(seed * 7.1 + i * 0.37) * 3 + seed);
  return { name, datatype: 'FP32', shape: [rows, width], data: new Uint8Array(values.buffer) };
};
const asHex = (tensors: readonly Tensor[]) => tensors.map((t) => [t.name, t.datatype, t.shape, Buffer.from(t.data).toString('hex')]);

beforeAll(async () => {
  nats = await startNatsServer(await freePort(), () => undefined);
  client = await MessageBus.connect({ servers: nats.url, name: 'batch e2e client' });
  client.subscribe('_INBOX.e2e-batch.>', (message) => replies.set(message.subject, message));
  client.subscribe(SUBJECTS.slotReleased, (message) => releases.push(JSON.parse(Buffer.from(message.data).toString('utf8')) as SlotReleased));
  await client.flush();
  repository = testRepository();
});

afterAll(async () => {
  await Promise.all(workers.map((worker) => worker.close()));
  await client?.drain();
  nats?.child.kill();
  if (repository) rmSync(repository, { recursive: true, force: true });
});

describe('simple (ONNX Runtime) with batch frames', () => {
  let slot: Slot;
  beforeAll(async () => {
    slot = await startSlot('simple', simpleTensors);
  });

  it('answers each request of a 1 + 2 + 3-row batch with exactly its own outputs, bit for bit those of the same request run alone, as one execution and one release', async () => {
    const frames = [
      requestFrame('simple', [fp32('INPUT0', 1, 16, 1), fp32('INPUT1', 1, 16, 2)], { outputs: ['OUTPUT1'] }),
      requestFrame('simple', [fp32('INPUT0', 2, 16, 3), fp32('INPUT1', 2, 16, 4)]),
      requestFrame('simple', [fp32('INPUT1', 3, 16, 5), fp32('INPUT0', 3, 16, 6)], { outputs: ['OUTPUT0'] }),
    ];
    const batched = await runBatched(slot, frames, [100, 200, 300]);

    // Statistics first, while the batch is all the slot has run.
    const stats = slot.stats();
    expect(stats.success.count).toBe(3); // counted before the replies went out
    expect(stats).toMatchObject({ inferenceCount: 6, executionCount: 1, fail: { count: 0 }, queue: { count: 3, ns: 600_000 } });
    expect(Object.keys(stats.batches)).toEqual(['6']);
    expect(stats.batches['6'].count).toBe(1);
    expect(stats.computeInput.count).toBe(3);
    expect(stats.computeOutput.count).toBe(3);
    await vi.waitFor(() => expect(releases.filter((r) => r.slotId === 'e2e-batch/simple/1/simple_0')).toEqual([{ slotId: 'e2e-batch/simple/1/simple_0', executorId: 'e2e-batch', count: 1 }]));
    // One message with a compute span per request, each under that request's own trace context.
    expect(slot.spanReports).toHaveLength(1);
    expect(slot.spanReports[0]).toMatchObject({ kind: 'batch-spans' });
    const spans = slot.spanReports[0].spans as { traceHeaders: Record<string, string>; batchSize: number; batchRequests: number; error?: string }[];
    expect(spans.map((span) => [span.traceHeaders.traceparent, span.batchSize, span.batchRequests, span.error])).toEqual(
      [0, 1, 2].map((i) => [traceparentOf(inbox - 2 + i), 6, 3, undefined]),
    );

    expect(batched.map((reply) => reply.error)).toEqual([undefined, undefined, undefined]);
    expect(batched.map((reply) => reply.tensors.map((t) => [t.name, t.shape]))).toEqual([
      [['OUTPUT1', [1, 16]]],
      [
        ['OUTPUT0', [2, 16]],
        ['OUTPUT1', [2, 16]],
      ],
      [['OUTPUT0', [3, 16]]],
    ]);
    expect(batched.map((reply) => reply.execution?.batch)).toEqual([1, 2, 3].map(() => ({ requests: 3, size: 6 })));
    expect(batched.map((reply) => reply.execution?.queueMicros)).toEqual([100, 200, 300]);
    for (const [i, frame] of frames.entries()) {
      const alone = await runAlone(slot, frame);
      expect(alone.execution?.batch).toBeUndefined();
      expect(asHex(batched[i].tensors)).toEqual(asHex(alone.tensors));
    }
    // Each lone run is an execution of its own: 1 + 3 in all.
    await vi.waitFor(() => expect(slot.stats()).toMatchObject({ executionCount: 4, inferenceCount: 12 }), { timeout: 5_000 });
  });

  it('fails a request with a wrong shape and one past its deadline alone, each with its own message, while the others run together', async () => {
    const before = slot.stats()!;
    const good = [requestFrame('simple', [fp32('INPUT0', 2, 16, 7), fp32('INPUT1', 2, 16, 8)]), requestFrame('simple', [fp32('INPUT0', 1, 16, 9), fp32('INPUT1', 1, 16, 10)])];
    const wrongShape = requestFrame('simple', [fp32('INPUT0', 1, 8, 1), fp32('INPUT1', 1, 8, 1)], { id: 'too-narrow' });
    const expired = requestFrame('simple', [fp32('INPUT0', 1, 16, 1), fp32('INPUT1', 1, 16, 1)], { deadline: Date.now() - 1 });
    const batched = await runBatched(slot, [good[0], wrongShape, expired, good[1]]);

    expect(batched[1].error).toEqual({ code: 'INVALID_ARG', message: "[request id: too-narrow] unexpected shape for input 'INPUT0' for model 'simple'. Expected [-1,16], got [1,8]" });
    expect(batched[2].error).toEqual({ code: 'UNAVAILABLE', message: 'Request timeout expired' });
    expect([batched[0].error, batched[3].error]).toEqual([undefined, undefined]);
    expect(batched[0].execution?.batch).toEqual({ requests: 2, size: 3 });
    expect(asHex(batched[0].tensors)).toEqual(asHex((await runAlone(slot, good[0])).tensors));
    expect(asHex(batched[3].tensors)).toEqual(asHex((await runAlone(slot, good[1])).tensors));

    // The batch (3 rows, 1 execution, 2 successes, 2 failures) and the two lone runs.
    await vi.waitFor(() => expect(slot.stats()!.executionCount - before.executionCount).toBe(3), { timeout: 5_000 });
    const after = slot.stats()!;
    expect(after.inferenceCount - before.inferenceCount).toBe(3 + 2 + 1);
    expect(after.success.count - before.success.count).toBe(4);
    expect(after.fail.count - before.fail.count).toBe(2);
    expect(after.batches['3'].count - (before.batches['3']?.count ?? 0)).toBe(1);
  });
});

describe('matmul_chain (ONNX Runtime, 240 MatMul + Tanh layers) with a batch frame', () => {
  it('gives each row of a 1 + 2 + 1-row batch bit for bit what it gets alone', async () => {
    const slot = await startSlot('matmul_chain', { name: 'matmul_chain', max_batch_size: 8, input: [{ name: 'INPUT0', datatype: 'FP32', dims: [1024] }], output: [{ name: 'OUTPUT0' }] });
    const frames = [1, 2, 1].map((rows, i) => requestFrame('matmul_chain', [fp32('INPUT0', rows, 1024, i + 1)]));
    const batched = await runBatched(slot, frames);
    expect(batched.map((reply) => reply.tensors[0]?.shape)).toEqual([
      [1, 1024],
      [2, 1024],
      [1, 1024],
    ]);
    for (const [i, frame] of frames.entries()) expect(asHex(batched[i].tensors)).toEqual(asHex((await runAlone(slot, frame)).tensors));
  });
});

describe('a BYTES model (javascript backend) with a batch frame', () => {
  it('joins BYTES rows of different lengths and hands each request its own strings back, bit for bit its lone answer', async () => {
    const dir = join(repository, 'shout', '1');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'model.js'), `exports.execute = async (inputs) => ({ UPPER: { datatype: 'BYTES', shape: inputs.S.shape, data: inputs.S.data.map((b) => b.toString('utf8').toUpperCase()) } });\n`);
    const slot = await startSlot(
      'shout',
      { name: 'shout', max_batch_size: 8, input: [{ name: 'S', datatype: 'BYTES', dims: [2] }], output: [{ name: 'UPPER' }] },
      { backend: 'javascript', modelPath: join(dir, 'model.js'), inputNames: ['S'], outputNames: ['UPPER'] },
    );
    const strings = (elements: string[]): Tensor => {
      const parts = elements.flatMap((s) => {
        const body = Buffer.from(s, 'utf8');
        const length = Buffer.alloc(4);
        length.writeUInt32LE(body.byteLength);
        return [length, body];
      });
      return { name: 'S', datatype: 'BYTES', shape: [elements.length / 2, 2], data: new Uint8Array(Buffer.concat(parts)) };
    };
    const text = (tensor: Tensor) => {
      const data = Buffer.from(tensor.data);
      const out: string[] = [];
      for (let offset = 0; offset < data.byteLength; offset += 4 + data.readUInt32LE(offset)) out.push(data.subarray(offset + 4, offset + 4 + data.readUInt32LE(offset)).toString('utf8'));
      return out;
    };
    const frames = [strings(['a', 'héllo']), strings(['', 'wörld', 'x', 'a longer string'])].map((tensor) => requestFrame('shout', [tensor]));
    const batched = await runBatched(slot, frames);

    expect(batched.map((reply) => [reply.tensors[0].shape, text(reply.tensors[0])])).toEqual([
      [[1, 2], ['A', 'HÉLLO']],
      [[2, 2], ['', 'WÖRLD', 'X', 'A LONGER STRING']],
    ]);
    expect(batched[1].execution?.batch).toEqual({ requests: 2, size: 3 });
    await vi.waitFor(() => expect(slot.stats()).toMatchObject({ executionCount: 1, inferenceCount: 3, success: { count: 2 } }), { timeout: 5_000 });
    for (const [i, frame] of frames.entries()) expect(asHex(batched[i].tensors)).toEqual(asHex((await runAlone(slot, frame)).tensors));
  });
});
