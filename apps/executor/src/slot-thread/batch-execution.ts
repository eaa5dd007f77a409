// A batch frame (dynamic batching) on a slot: its requests run as one execution, and each is
// answered on its own, straight to its own requester, with only the outputs it asked for and its
// own shapes.
//
// Each request is admitted alone first: decoded, its deadline checked, its inputs read and
// validated. One that fails gets its own error reply and is left out, so one bad request never
// fails the others. The rest are joined along dim 0 (groupIntoExecutions keeps apart those whose
// shapes cannot be joined, and they run as executions of their own), the model runs once on the
// union of their requested outputs, and every output is cut back along dim 0 by each request's
// own rows.
import { decodeBatchFrame, decodeFrame, type BatchedRequest, type ExecutionStamp, type FailureReason, type Frame, type InferMeta, type Tensor } from '@flotilla/contracts';
import type { ModelRunner, RunTiming } from '@flotilla/backends';
import {
  concatAlongBatch,
  groupIntoExecutions,
  refuseExpiredRequest,
  REQUEST_TIMEOUT_EXPIRED,
  splitAlongBatch,
  validateBytesElements,
  validateInferInputs,
  type SlotStatisticsRecorder,
} from '@flotilla/execution';
import { readTensorFile } from '@flotilla/tensor-files';
import { computePhases } from './compute-phases';
import { asFlotillaError, epochNowMs, type ReplyEncoder } from './reply-encoder';
import type { ServingConfig } from './serving-protocol';

/** What a batch needs of its slot (PayloadExecutor). */
export interface ExecutingSlot {
  readonly runner: ModelRunner;
  readonly config: ServingConfig;
  readonly stats: SlotStatisticsRecorder;
  readonly replies: ReplyEncoder;
  readonly instance: string;
}

/** The answer to one request of a batch, and what its compute span needs. */
export interface BatchedReply {
  /** The request's own requester (its gateway's inbox). */
  readonly replyTo: string;
  readonly reply: Uint8Array;
  readonly model: string;
  /** The request's own trace context (`traceparent`, `tracestate`): its compute span's parent. */
  readonly traceHeaders: Readonly<Record<string, string>>;
  /** Epoch ms: when the batch reached the slot, and when this reply was ready. */
  readonly startMs: number;
  readonly endMs: number;
  readonly error?: string;
  /** The batch size of the execution it ran in; absent when it failed before one. */
  readonly batchSize?: number;
  /** Epoch ms, once its execution ran: inputs joined (COMPUTE_INPUT_END) and outputs back (COMPUTE_OUTPUT_START). */
  readonly computeStartMs?: number;
  readonly computeEndMs?: number;
}

export interface BatchOutcome {
  /** One per request, in the batch's request order. */
  readonly replies: readonly BatchedReply[];
}

/** A request of the batch that passed admission, ready to be joined with others. */
interface AdmittedRequest {
  /** Its position in the batch: where its reply goes. */
  readonly index: number;
  readonly entry: BatchedRequest;
  readonly meta: InferMeta;
  readonly inputs: readonly Tensor[];
  readonly batchSize: number;
}

/** Rejects only when the batch frame itself cannot be read: then no request can be answered. */
export async function executeBatch(slot: ExecutingSlot, payload: Uint8Array): Promise<BatchOutcome> {
  const batch = new BatchExecution(slot, epochNowMs());
  return { replies: await batch.run(decodeBatchFrame(payload)) };
}

class BatchExecution {
  private readonly version: string;

  constructor(
    private readonly slot: ExecutingSlot,
    /** Epoch ms: when the batch reached the slot. */
    private readonly startMs: number,
  ) {
    this.version = String(slot.config.modelVersion);
  }

  async run(entries: readonly { request: BatchedRequest; frame: Uint8Array }[]): Promise<BatchedReply[]> {
    const replies: BatchedReply[] = new Array(entries.length);
    const admitted: AdmittedRequest[] = [];
    const nowMs = Date.now();
    entries.forEach(({ request, frame }, index) => {
      let model = '';
      try {
        const decoded = decodeFrame<InferMeta>(frame);
        model = decoded.meta.model;
        admitted.push(this.admit(index, request, decoded, nowMs));
      } catch (error) {
        replies[index] = this.failed(request, model, error, expired(error) ? 'REJECTED' : 'OTHER');
      }
    });
    let inputStartMs = this.startMs;
    for (const group of groupIntoExecutions(admitted, this.slot.config.tensors.max_batch_size)) {
      await this.runTogether(
        group.map((index) => admitted[index]),
        inputStartMs,
        replies,
      );
      inputStartMs = epochNowMs();
    }
    return replies;
  }

  /** Everything a lone request is checked for, and a BYTES tensor's elements (see validateBytesElements). */
  private admit(index: number, entry: BatchedRequest, frame: Frame<InferMeta>, nowMs: number): AdmittedRequest {
    const { meta } = frame;
    refuseExpiredRequest(meta.deadline, nowMs);
    const inputs = meta.inputsAt ? readTensorFile(meta.inputsAt) : frame.tensors;
    validateInferInputs(this.slot.config.tensors, inputs, meta.outputs, meta.id);
    for (const input of inputs) validateBytesElements(input, meta.id);
    const batchSize = this.slot.config.tensors.max_batch_size > 0 ? (inputs[0]?.shape[0] ?? 1) : 1;
    return { index, entry, meta, inputs, batchSize };
  }

  /** One execution of `members`, answering each of them in `replies`. */
  private async runTogether(members: readonly AdmittedRequest[], inputStartMs: number, replies: BatchedReply[]): Promise<void> {
    const { runner } = this.slot;
    const rows = members.map((member) => member.batchSize);
    const size = rows.reduce((sum, n) => sum + n, 0);
    let outputs: Tensor[];
    let computeStartMs: number;
    let computeEndMs: number;
    const timing: RunTiming = {};
    let reason: FailureReason = 'OTHER';
    try {
      const joined = members[0].inputs.map(({ name }) => concatAlongBatch(members.map((member) => member.inputs.find((input) => input.name === name)!)));
      computeStartMs = epochNowMs();
      reason = 'BACKEND';
      outputs = await runner.run(joined, requestedOutputs(members, runner.outputNames), timing);
      computeEndMs = epochNowMs();
    } catch (error) {
      for (const member of members) replies[member.index] = this.failed(member.entry, member.meta.model, error, reason);
      return;
    }

    // Each request's own outputs, in the order it asked for them (all of them when it named none).
    const ownOutputs: (Tensor[] | Error)[] = members.map(() => []);
    try {
      const parts = new Map(outputs.map((output) => [output.name, splitAlongBatch(output, rows)]));
      members.forEach((member, i) => {
        const names = member.meta.outputs.length > 0 ? member.meta.outputs : runner.outputNames;
        ownOutputs[i] = names.map((name) => parts.get(name)![i]);
      });
    } catch (error) {
      ownOutputs.fill(error as Error);
    }
    const encoded = members.map((member, i) => {
      const own = ownOutputs[i];
      if (own instanceof Error) return own;
      try {
        return this.slot.replies.outputs(member.meta.model, this.version, this.stamp(member, computeStartMs, computeEndMs, members.length, size), own, member.meta.inputsAt);
      } catch (error) {
        return error as Error;
      }
    });
    const endMs = epochNowMs();
    const compute = computePhases(inputStartMs, computeStartMs, computeEndMs, endMs, timing);
    // The model ran: one execution of `size` rows, whatever became of each reply.
    this.slot.stats.recordExecution(size, compute);
    members.forEach((member, i) => {
      const reply = encoded[i];
      if (reply instanceof Error) {
        replies[member.index] = { ...this.failed(member.entry, member.meta.model, reply, 'OTHER'), batchSize: size, computeStartMs, computeEndMs };
        return;
      }
      this.slot.stats.recordSuccess(member.entry.queueMicros * 1000, compute, Date.now());
      replies[member.index] = { ...this.answer(member.entry, member.meta.model, reply, endMs), batchSize: size, computeStartMs, computeEndMs };
    });
  }

  private stamp(member: AdmittedRequest, computeStartMs: number, computeEndMs: number, requests: number, size: number): ExecutionStamp {
    const { config } = this.slot;
    return {
      executorId: config.executorId,
      device: config.device,
      instance: this.slot.instance,
      slotId: config.slotId,
      queueMicros: member.entry.queueMicros,
      computeStartMs,
      computeEndMs,
      tensorsVia: member.meta.inputsAt ? 'shared-memory' : 'frame',
      batch: { requests, size },
    };
  }

  private answer(entry: BatchedRequest, model: string, reply: Uint8Array, endMs: number): BatchedReply {
    return { replyTo: entry.replyTo, reply, model, traceHeaders: traceHeadersOf(entry), startMs: this.startMs, endMs };
  }

  /** The request's error reply, counted once as a failure, for `reason`. */
  private failed(entry: BatchedRequest, model: string, error: unknown, reason: FailureReason): BatchedReply {
    const failure = asFlotillaError(error);
    const endMs = epochNowMs();
    this.slot.stats.recordFailure(entry.queueMicros * 1000 + (endMs - this.startMs) * 1e6, Date.now(), reason);
    return { ...this.answer(entry, model, this.slot.replies.error(model, this.version, failure), endMs), error: failure.message };
  }
}

/**
 * The outputs one run must compute for all of `members`: every output when any of them named
 * none (Triton's "all outputs"), else the union of the names they asked for.
 */
function requestedOutputs(members: readonly AdmittedRequest[], all: readonly string[]): readonly string[] {
  if (members.some((member) => member.meta.outputs.length === 0)) return all;
  return [...new Set(members.flatMap((member) => member.meta.outputs))];
}

function traceHeadersOf(entry: BatchedRequest): Record<string, string> {
  const headers: Record<string, string> = {};
  if (entry.traceparent) headers.traceparent = entry.traceparent;
  if (entry.tracestate) headers.tracestate = entry.tracestate;
  return headers;
}

/** refuseExpiredRequest's error: the request waited past its deadline (Triton counts it REJECTED). */
function expired(error: unknown): boolean {
  return error instanceof Error && error.message === REQUEST_TIMEOUT_EXPIRED;
}
