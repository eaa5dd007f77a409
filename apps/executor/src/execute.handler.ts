import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import {
  decodeFrame,
  encodeFrame,
  FlotillaError,
  HEADERS,
  internal,
  invalidArg,
  SUBJECTS,
  unavailable,
  type ExecutionStamp,
  type InferMeta,
  type ResultMeta,
  type SlotReleased,
} from '@flotilla/contracts';
import { validateInferInputs } from '@flotilla/scheduling';
import { readTensorFile, writeTensorFile } from '@flotilla/tensor-files';
import { publishJson, type IncomingMessage, type MessageBus } from '@flotilla/transport';
import { InjectBus } from '@flotilla/service-kit';
import { EXECUTOR_OPTIONS, type ExecutorOptions } from './executor.options';
import { SlotTable } from './slot-table';

const tracer = trace.getTracer('flotilla-executor');

/**
 * Runs the payloads the scheduler sends to this executor. Each is answered exactly once, straight
 * to the gateway's inbox (outputs or an error naming the problem), and then its slot is released
 * to the scheduler — in that order, so the next payload never overtakes this one's answer.
 */
@Injectable()
export class ExecuteHandler implements OnApplicationBootstrap {
  constructor(
    @InjectBus() private readonly bus: MessageBus,
    @Inject(EXECUTOR_OPTIONS) private readonly options: ExecutorOptions,
    private readonly slots: SlotTable,
  ) {}

  onApplicationBootstrap(): void {
    this.bus.subscribe(SUBJECTS.execute(this.options.executorId), (message) => void this.execute(message));
  }

  private async execute(message: IncomingMessage): Promise<void> {
    const slotId = message.header(HEADERS.slot) ?? '';
    const version = message.header(HEADERS.modelVersion) ?? '';
    const queueMicros = Number(message.header(HEADERS.queueMicros) ?? 0);
    const span = tracer.startSpan('compute', { kind: SpanKind.CONSUMER, attributes: { 'flotilla.slot': slotId, 'triton.model_version': version } }, message.traceContext());
    let model = '';
    let reply: Uint8Array;
    const receivedAt = performance.now();
    try {
      const frame = decodeFrame<InferMeta>(message.data);
      model = frame.meta.model;
      span.setAttribute('triton.model_name', model);
      const entry = this.slots.get(slotId);
      if (!entry) throw unavailable(`instance slot ${slotId} is not on executor ${this.options.executorId} (it was removed)`);
      const inputs = frame.meta.inputsAt ? readTensorFile(frame.meta.inputsAt) : frame.tensors;
      validateInferInputs(entry.tensors, inputs, frame.meta.outputs, frame.meta.id);
      const result = await this.slots.execute(entry, inputs, frame.meta.outputs);
      const batchSize = entry.tensors.max_batch_size > 0 ? (inputs[0]?.shape[0] ?? 1) : 1;
      entry.stats.recordSuccess(batchSize, queueMicros * 1000, (result.computeEndMs - result.computeStartMs) * 1e6, Date.now());
      const execution: ExecutionStamp = {
        executorId: this.options.executorId,
        device: this.options.device,
        instance: entry.plan.instance,
        slotId,
        queueMicros,
        computeStartMs: result.computeStartMs,
        computeEndMs: result.computeEndMs,
        tensorsVia: frame.meta.inputsAt ? 'shared-memory' : 'frame',
      };
      span.setAttribute('flotilla.instance', entry.plan.instance);
      // Inputs that came through shared memory mean the gateway shares it: answer the same way.
      reply = frame.meta.inputsAt
        ? encodeFrame<ResultMeta>({ modelName: model, modelVersion: version, execution, outputsAt: writeTensorFile(`${frame.meta.inputsAt.path}.out`, result.outputs) })
        : encodeFrame<ResultMeta>({ modelName: model, modelVersion: version, execution }, result.outputs);
      if (reply.byteLength > this.bus.maxPayload) {
        throw invalidArg(`response of ${reply.byteLength} bytes exceeds the NATS server's max_payload of ${this.bus.maxPayload} bytes; request fewer or smaller outputs, or raise max_payload`);
      }
    } catch (error) {
      const failure = error instanceof FlotillaError ? error : internal(`execution failed: ${(error as Error)?.message ?? error}`);
      this.slots.get(slotId)?.stats.recordFailure(queueMicros * 1000 + (performance.now() - receivedAt) * 1e6, Date.now());
      span.setStatus({ code: SpanStatusCode.ERROR, message: failure.message });
      reply = encodeFrame<ResultMeta>({ modelName: model, modelVersion: version, error: failure.toWire() });
    }
    span.end();
    if (message.reply) this.bus.publish(message.reply, reply);
    publishJson(this.bus, SUBJECTS.slotReleased, { slotId, executorId: this.options.executorId } satisfies SlotReleased);
  }
}
