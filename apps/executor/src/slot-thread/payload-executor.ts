// What a slot's serving thread does with one payload — a lone request, or a batch of requests
// (batch-execution.ts) — read the inputs (from the frame, or from the gateway's shared-memory
// file), check them against the model, run the model, and build the reply each requester gets:
// outputs, or an error that names the problem. Free of NATS and of the thread plumbing, so that
// both stay thin.
import { decodeFrame, type ExecutionStamp, type FailureReason, type InferMeta } from '@flotilla/contracts';
import type { ModelRunner, RunTiming } from '@flotilla/backends';
import { refuseExpiredRequest, SlotStatisticsRecorder, validateInferInputs } from '@flotilla/execution';
import { readTensorFile } from '@flotilla/tensor-files';
import { computePhases } from './compute-phases';
import { executeBatch, type BatchOutcome, type ExecutingSlot } from './batch-execution';
import { asFlotillaError, epochNowMs, ReplyEncoder } from './reply-encoder';
import type { ServingConfig } from './serving-protocol';

export interface PayloadOutcome {
  /** The frame to send to the gateway's inbox. */
  readonly reply: Uint8Array;
  readonly model: string;
  /** Epoch ms: when the payload reached the slot, and when its reply was ready. */
  readonly startMs: number;
  readonly endMs: number;
  /** Epoch ms, once the model ran: inputs ready (Triton's COMPUTE_INPUT_END) and outputs back (COMPUTE_OUTPUT_START). */
  readonly computeStartMs?: number;
  readonly computeEndMs?: number;
  readonly error?: string;
}

export class PayloadExecutor implements ExecutingSlot {
  /** Triton-style statistics of every payload this slot handled, in memory the executor's main thread reads. */
  readonly stats: SlotStatisticsRecorder;
  readonly replies: ReplyEncoder;
  /** Triton's instance name; changes when a reused slot is renamed. */
  instance: string;

  constructor(
    readonly runner: ModelRunner,
    readonly config: ServingConfig,
    maxPayload: number,
  ) {
    this.instance = config.instance;
    this.stats = new SlotStatisticsRecorder(config.statistics ?? config.tensors.max_batch_size);
    this.replies = new ReplyEncoder(maxPayload);
  }

  /**
   * A lone request (a gateway frame). Never rejects: every failure becomes an error reply.
   * `givenUp`: a parked payload whose grant never came — answered as expired, never run (it holds
   * no resources, so running it would break the rate limit).
   */
  async execute(data: Uint8Array, queueMicros: number, givenUp = false): Promise<PayloadOutcome> {
    const startMs = epochNowMs();
    const version = String(this.config.modelVersion);
    let model = '';
    let ranBatch: number | undefined; // set once the model has run: then it was an execution
    let computeStartMs = startMs;
    let computeEndMs = startMs;
    const timing: RunTiming = {};
    let reason: FailureReason = 'OTHER';
    try {
      const frame = decodeFrame<InferMeta>(data);
      model = frame.meta.model;
      reason = 'REJECTED';
      refuseExpiredRequest(frame.meta.deadline, givenUp ? Infinity : Date.now());
      reason = 'OTHER';
      const inputs = frame.meta.inputsAt ? readTensorFile(frame.meta.inputsAt) : frame.tensors;
      validateInferInputs(this.config.tensors, inputs, frame.meta.outputs, frame.meta.id);
      computeStartMs = epochNowMs();
      reason = 'BACKEND';
      const outputs = await this.runner.run(inputs, frame.meta.outputs.length > 0 ? frame.meta.outputs : this.runner.outputNames, timing);
      reason = 'OTHER';
      computeEndMs = epochNowMs();
      ranBatch = this.config.tensors.max_batch_size > 0 ? (inputs[0]?.shape[0] ?? 1) : 1;
      const execution: ExecutionStamp = {
        executorId: this.config.executorId,
        device: this.config.device,
        instance: this.instance,
        slotId: this.config.slotId,
        queueMicros,
        computeStartMs,
        computeEndMs,
        tensorsVia: frame.meta.inputsAt ? 'shared-memory' : 'frame',
      };
      const reply = this.replies.outputs(model, version, execution, outputs, frame.meta.inputsAt);
      const compute = computePhases(startMs, computeStartMs, computeEndMs, epochNowMs(), timing);
      this.stats.recordExecution(ranBatch, compute);
      // Recorded before the reply is sent: once a client has its answer, any read counts it.
      this.stats.recordSuccess(queueMicros * 1000, compute, Date.now());
      return { reply, model, startMs, endMs: epochNowMs(), computeStartMs, computeEndMs };
    } catch (error) {
      const failure = asFlotillaError(error);
      const endMs = epochNowMs();
      // A reply that could not be sent (too large for NATS) still cost an execution; the request
      // itself failed, and counts only as a failure.
      if (ranBatch !== undefined) this.stats.recordExecution(ranBatch, computePhases(startMs, computeStartMs, computeEndMs, endMs, timing));
      this.stats.recordFailure(queueMicros * 1000 + (endMs - startMs) * 1e6, Date.now(), reason);
      const ran = ranBatch !== undefined ? { computeStartMs, computeEndMs } : {};
      return { reply: this.replies.error(model, version, failure), model, startMs, endMs, ...ran, error: failure.message };
    }
  }

  /**
   * A batch frame: its requests run as one execution (or a few, when some cannot be joined), each
   * answered on its own. Never rejects for a request's failure; rejects only when the batch frame
   * itself cannot be read, since then no request can be told.
   */
  executeBatch(data: Uint8Array): Promise<BatchOutcome> {
    return executeBatch(this, data);
  }
}

