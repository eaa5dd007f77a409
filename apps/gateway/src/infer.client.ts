import { Inject, Injectable } from '@nestjs/common';
import type { Context } from '@opentelemetry/api';
import { decodeFrame, encodeFrame, FlotillaError, RAISE_MAX_PAYLOAD, SUBJECTS, tooLarge, unavailable, type InferMeta, type ResultMeta, type Tensor, type TensorFileRef } from '@flotilla/contracts';
import { readTensorFile, removeTensorFile, writeTensorFile } from '@flotilla/tensor-files';
import { busError, NoRespondersError, type MessageBus } from '@flotilla/transport';
import { InjectBus } from '@flotilla/service-kit';
import { GATEWAY_OPTIONS, type GatewayOptions } from './gateway.options';
import { RequestCoalescer } from './request-coalescer';
import { SharedMemoryRoute } from './shared-memory-route';

export interface InferCall {
  readonly model: string;
  readonly version: string;
  readonly id?: string;
  readonly inputs: readonly Tensor[];
  readonly outputs: readonly string[];
  readonly trace: Context;
  /** Epoch ms after which the caller no longer waits (a gRPC deadline); the sooner of it and --infer-timeout-ms applies. */
  readonly deadline?: number;
  /** The schedule_policy parameters, for the scheduler's queues. */
  readonly priority?: number;
  readonly timeoutMicros?: number;
}

export interface InferResult {
  readonly modelName: string;
  readonly modelVersion: string;
  readonly outputs: Tensor[];
  readonly meta: ResultMeta;
}

/**
 * Sends one inference into the fleet and waits for its result. The request goes to the scheduler;
 * the answer comes back on this gateway's reply inbox, from the executor that ran it (or from the
 * scheduler, when it was refused). Tensor bytes travel as one binary frame each way.
 */
@Injectable()
export class InferClient {
  private readonly toScheduler: RequestCoalescer;

  constructor(
    @InjectBus() private readonly bus: MessageBus,
    @Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions,
    private readonly sharedMemory: SharedMemoryRoute,
  ) {
    this.toScheduler = new RequestCoalescer(bus, SUBJECTS.infer);
  }

  async infer(call: InferCall): Promise<InferResult> {
    const inputBytes = call.inputs.reduce((sum, tensor) => sum + tensor.data.byteLength, 0);
    const filePath = this.sharedMemory.pathFor(inputBytes);
    if (!filePath) return this.send(call, call.inputs);
    let inputsAt: TensorFileRef;
    try {
      inputsAt = writeTensorFile(filePath, call.inputs);
    } catch {
      // /dev/shm full or gone: the frame carries the tensors as it would across machines.
      removeTensorFile(filePath);
      return this.send(call, call.inputs);
    }
    try {
      const result = await this.send(call, [], inputsAt);
      if (!result.meta.outputsAt) return result;
      return { ...result, outputs: readTensorFile(result.meta.outputsAt) };
    } finally {
      removeTensorFile(filePath);
      removeTensorFile(`${filePath}.out`);
    }
  }

  private async send(call: InferCall, inline: readonly Tensor[], inputsAt?: TensorFileRef): Promise<InferResult> {
    const deadline = Math.min(Date.now() + this.options.inferTimeoutMs, call.deadline ?? Infinity);
    const meta: InferMeta = {
      model: call.model,
      version: call.version,
      outputs: call.outputs,
      id: call.id,
      deadline,
      ...(inputsAt ? { inputsAt } : {}),
      ...(call.priority ? { priority: call.priority } : {}),
      ...(call.timeoutMicros ? { timeoutMicros: call.timeoutMicros } : {}),
    };
    const frame = encodeFrame(meta, inline);
    if (frame.byteLength > this.bus.maxPayload) {
      throw tooLarge(`request of ${frame.byteLength} bytes exceeds the NATS server's max_payload of ${this.bus.maxPayload} bytes; send smaller tensors or ${RAISE_MAX_PAYLOAD}`);
    }

    let reply;
    try {
      // The scheduler fails queued requests at the deadline; the extra second lets that answer,
      // which names the cause, arrive before the gateway gives up on its own.
      reply = await this.toScheduler.request(frame, Math.max(0, deadline - Date.now()) + 1000, call.trace);
    } catch (error) {
      throw describeFailure(error, call.model);
    }
    const result = decodeFrame<ResultMeta>(reply.data);
    if (result.meta.error) throw FlotillaError.fromWire(result.meta.error);
    return { modelName: result.meta.modelName, modelVersion: result.meta.modelVersion, outputs: result.tensors, meta: result.meta };
  }
}

function describeFailure(error: unknown, model: string): FlotillaError {
  if (error instanceof NoRespondersError) {
    return unavailable(`inference request for model '${model}' failed: no scheduler or executor is listening for it (a service is down or restarting)`);
  }
  return busError(error, `inference request for model '${model}'`);
}
