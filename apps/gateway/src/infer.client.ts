import { Inject, Injectable } from '@nestjs/common';
import type { Context } from '@opentelemetry/api';
import { decodeFrame, encodeFrame, FlotillaError, RAISE_MAX_PAYLOAD, SUBJECTS, tooLarge, unavailable, type InferMeta, type ResultMeta, type Tensor, type TensorFileRef } from '@flotilla/contracts';
import { readTensorFile, removeTensorFile, writeTensorFile } from '@flotilla/tensor-files';
import { busError, NoRespondersError, type IncomingMessage, type MessageBus } from '@flotilla/transport';
import { InjectBus } from '@flotilla/service-kit';
import { GATEWAY_OPTIONS, type GatewayOptions } from './gateway.options';
import { RequestCoalescer } from './request-coalescer';
import { SchedulerWatch } from './scheduler-watch';
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
 * Sends one inference into the fleet and waits for its result. The request goes to the scheduler
 * that owns its model (SchedulerWatch);
 * the answer comes back on this gateway's reply inbox, from the executor that ran it (or from the
 * scheduler, when it was refused). Tensor bytes travel as one binary frame each way.
 */
@Injectable()
export class InferClient {
  /** One coalescer per scheduler subject: requests of a turn travel together only to the same scheduler. */
  private readonly toSchedulers = new Map<string, RequestCoalescer>();

  constructor(
    @InjectBus() private readonly bus: MessageBus,
    @Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions,
    private readonly sharedMemory: SharedMemoryRoute,
    private readonly schedulers: SchedulerWatch,
  ) {}

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

    const reply = await this.toOwner(call, frame, deadline);
    const result = decodeFrame<ResultMeta>(reply.data);
    if (result.meta.error) throw FlotillaError.fromWire(result.meta.error);
    return { modelName: result.meta.modelName, modelVersion: result.meta.modelVersion, outputs: result.tensors, meta: result.meta };
  }

  /**
   * Sends the request to the scheduler that owns its model (to any, while none is known) and
   * waits. When NATS says nobody listens there, the scheduler is gone or stopping and never saw
   * the request, so it is safe to send it again to the model's next owner — once per scheduler
   * known. A scheduler that falls silent while the request waits fails it with a 503
   * (SchedulerWatch): it may have been dispatched, and running it twice is not ours to decide.
   */
  private async toOwner(call: InferCall, frame: Uint8Array, deadline: number): Promise<IncomingMessage> {
    for (let attempt = 0; ; attempt++) {
      const owner = this.schedulers.ownerOf(call.model);
      try {
        // The scheduler fails queued requests at the deadline; the extra second lets that answer,
        // which names the cause, arrive before the gateway gives up on its own.
        const answer = this.coalescerFor(owner).request(frame, Math.max(0, deadline - Date.now()) + 1000, call.trace);
        return await this.schedulers.track(owner, answer);
      } catch (error) {
        if (error instanceof NoRespondersError && owner !== undefined && attempt < MAX_RESENDS) {
          this.schedulers.unreachable(owner);
          continue;
        }
        throw describeFailure(error, call.model);
      }
    }
  }

  private coalescerFor(owner: string | undefined): RequestCoalescer {
    const subject = owner === undefined ? SUBJECTS.infer : SUBJECTS.inferAt(owner);
    let coalescer = this.toSchedulers.get(subject);
    if (!coalescer) {
      // Schedulers come and go over a long life (restarts take new ids): keep the map small. A
      // coalescer dropped here still sends what it holds (its flush is already scheduled).
      if (this.toSchedulers.size >= 64) this.toSchedulers.clear();
      this.toSchedulers.set(subject, (coalescer = new RequestCoalescer(this.bus, subject)));
    }
    return coalescer;
  }
}

/** How many times a request meeting no responders goes to the next owner; each time one scheduler fewer is known. */
const MAX_RESENDS = 4;

function describeFailure(error: unknown, model: string): FlotillaError {
  if (error instanceof NoRespondersError) {
    return unavailable(`inference request for model '${model}' failed: no scheduler or executor is listening for it (a service is down or restarting)`);
  }
  return busError(error, `inference request for model '${model}'`);
}
