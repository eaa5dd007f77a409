// What a slot's serving thread does with one payload: read the inputs (from the frame, or from the
// gateway's shared-memory file), check them against the model, run the model, and build the one
// reply the gateway gets — outputs, or an error that names the problem. Free of NATS and of the
// thread plumbing, so that both stay thin.
import {
  decodeFrame,
  encodeFrame,
  FlotillaError,
  internal,
  invalidArg,
  type ExecutionStamp,
  type InferMeta,
  type ResultMeta,
} from '@flotilla/contracts';
import type { ModelRunner } from '@flotilla/backends';
import { SlotStatisticsRecorder, validateInferInputs } from '@flotilla/execution';
import { readTensorFile, writeTensorFile } from '@flotilla/tensor-files';
import type { ServingConfig } from './serving-protocol';

export interface PayloadOutcome {
  /** The frame to send to the gateway's inbox. */
  readonly reply: Uint8Array;
  readonly model: string;
  /** Epoch ms: when the payload reached the slot, and when its reply was ready. */
  readonly startMs: number;
  readonly endMs: number;
  readonly error?: string;
}

const epochNowMs = () => performance.timeOrigin + performance.now();

export class PayloadExecutor {
  /** Triton-style statistics of every payload this slot handled. */
  readonly stats = new SlotStatisticsRecorder();
  /** Triton's instance name; changes when a reused slot is renamed. */
  instance: string;

  constructor(
    private readonly runner: ModelRunner,
    private readonly config: ServingConfig,
    private readonly maxPayload: number,
  ) {
    this.instance = config.instance;
  }

  /** Never rejects: every failure becomes an error reply. */
  async execute(data: Uint8Array, queueMicros: number): Promise<PayloadOutcome> {
    const startMs = epochNowMs();
    const version = String(this.config.modelVersion);
    let model = '';
    try {
      const frame = decodeFrame<InferMeta>(data);
      model = frame.meta.model;
      const inputs = frame.meta.inputsAt ? readTensorFile(frame.meta.inputsAt) : frame.tensors;
      validateInferInputs(this.config.tensors, inputs, frame.meta.outputs, frame.meta.id);
      const computeStartMs = epochNowMs();
      const outputs = await this.runner.run(inputs, frame.meta.outputs.length > 0 ? frame.meta.outputs : this.runner.outputNames);
      const computeEndMs = epochNowMs();
      const batchSize = this.config.tensors.max_batch_size > 0 ? (inputs[0]?.shape[0] ?? 1) : 1;
      this.stats.recordSuccess(batchSize, queueMicros * 1000, (computeEndMs - computeStartMs) * 1e6, Date.now());
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
      // Inputs that came through shared memory mean the gateway shares it: answer the same way.
      const reply = frame.meta.inputsAt
        ? encodeFrame<ResultMeta>({ modelName: model, modelVersion: version, execution, outputsAt: writeTensorFile(`${frame.meta.inputsAt.path}.out`, outputs) })
        : this.checkedSize(encodeFrame<ResultMeta>({ modelName: model, modelVersion: version, execution }, outputs));
      return { reply, model, startMs, endMs: epochNowMs() };
    } catch (error) {
      const failure = error instanceof FlotillaError ? error : internal(`execution failed: ${(error as Error)?.message ?? error}`);
      this.stats.recordFailure(queueMicros * 1000 + (epochNowMs() - startMs) * 1e6, Date.now());
      const reply = encodeFrame<ResultMeta>({ modelName: model, modelVersion: version, error: failure.toWire() });
      return { reply, model, startMs, endMs: epochNowMs(), error: failure.message };
    }
  }

  /** NATS would refuse a reply over max_payload; refuse it here, with the reason, instead. */
  private checkedSize(reply: Uint8Array): Uint8Array {
    if (reply.byteLength <= this.maxPayload) return reply;
    throw invalidArg(`response of ${reply.byteLength} bytes exceeds the NATS server's max_payload of ${this.maxPayload} bytes; request fewer or smaller outputs, or raise max_payload`);
  }
}
