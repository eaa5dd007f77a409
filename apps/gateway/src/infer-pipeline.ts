import { Injectable } from '@nestjs/common';
import { context, propagation, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import type { ModelRecord } from '@flotilla/contracts';
import { modelSignatureOf, validateInferInputs, type ModelSignature } from '@flotilla/execution';
import { executionParameters, scheduleParameters, TraceSampling, type InferRequest, type InferResponse } from '@flotilla/kserve';
import type { ModelConfig } from '@flotilla/model-config';
import { hasValidTraceContext, withTraceDecision } from '@flotilla/telemetry';
import { InferClient } from './infer.client';
import { ModelCatalog } from './model-catalog';

const tracer = trace.getTracer('flotilla-gateway');

export interface InferTarget {
  readonly model: string;
  /** '' for the highest ready version. */
  readonly version: string;
  /** Which frontend took the request, as a span attribute. */
  readonly protocol: 'http' | 'grpc';
  /** Epoch ms when the caller stops waiting (a gRPC deadline), so the fleet stops too. */
  readonly deadline?: number;
}

/**
 * The one request path behind both protocols. HTTP and gRPC each bring a `decode` that turns their
 * wire request into the shared InferRequest, and an `encode` for the response; everything between
 * is here, once: the `InferRequest` span (root of the request's trace, or child of the caller's
 * `traceparent`, from HTTP headers or gRPC metadata alike), decoding inside it so malformed
 * requests show in traces, validation against the model's config, the trip through the fleet, and
 * the response parameters.
 *
 * Tracing (Triton's opentelemetry mode): whether the request is traced is decided here, once, by
 * the trace settings (`TraceSampling`), and every other service follows the sampled flag of the
 * `traceparent` it receives. The trace is `InferRequest` → a span named after the model, from
 * REQUEST_START to REQUEST_END (its events) → the scheduler's `queue` → the executor's `compute`.
 *
 * Validation happens here, before the first hop (input names, datatypes, shapes, batch size, byte
 * sizes, requested outputs; Triton's texts): a bad request costs no queue place, and can never
 * fail a batch it would have joined. Slots check again, cheaply, as a guard.
 */
@Injectable()
export class InferPipeline {
  /** Per model record (replaced whenever the model changes): its signature, computed once. */
  private readonly signatures = new WeakMap<ModelRecord, ModelSignature>();

  constructor(
    private readonly client: InferClient,
    private readonly catalog: ModelCatalog,
    private readonly sampling: TraceSampling,
  ) {}

  async run<T>(
    target: InferTarget,
    traceCarrier: Record<string, unknown>,
    decode: () => InferRequest | Promise<InferRequest>,
    encode: (request: InferRequest, response: InferResponse) => T,
  ): Promise<T> {
    const parent = propagation.extract(context.active(), traceCarrier);
    // Triton: a request that brings a valid trace context is traced whatever the rate.
    const traced = this.sampling.shouldTrace(target.model, hasValidTraceContext(parent));
    const attributes = { 'triton.model_name': target.model, 'triton.model_version': target.version };
    const span = tracer.startSpan('InferRequest', { kind: SpanKind.SERVER, attributes: { ...attributes, 'flotilla.protocol': target.protocol } }, withTraceDecision(parent, traced));
    let modelSpan: Span | undefined;
    try {
      const request = await decode();
      if (request.id) span.setAttribute('triton.request_id', request.id);
      await this.validate(target.model, request);
      // From here the request is Triton's "accepted": the model's span, REQUEST_START to REQUEST_END.
      modelSpan = tracer.startSpan(target.model, { attributes: request.id ? { ...attributes, 'triton.request_id': request.id } : attributes }, trace.setSpan(parent, span));
      modelSpan.addEvent('REQUEST_START');
      const result = await this.client.infer({
        model: target.model,
        version: target.version,
        id: request.id,
        inputs: request.inputs,
        outputs: request.outputs.map((output) => output.name),
        trace: trace.setSpan(parent, modelSpan),
        deadline: target.deadline,
        ...scheduleParameters(request.parameters),
      });
      modelSpan.setAttribute('triton.model_version', result.modelVersion);
      const parameters = executionParameters(request.parameters, result.meta.execution);
      return encode(request, { id: request.id, modelName: result.modelName, modelVersion: result.modelVersion, outputs: result.outputs, parameters });
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      modelSpan?.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      throw error;
    } finally {
      modelSpan?.addEvent('REQUEST_END');
      modelSpan?.end();
      span.end();
    }
  }

  private async validate(model: string, request: InferRequest): Promise<void> {
    const record = await this.catalog.get(model);
    if (!record.config) return; // a model whose config could not be read: the scheduler answers why
    let signature = this.signatures.get(record);
    if (!signature) {
      signature = modelSignatureOf(record.config as unknown as ModelConfig);
      this.signatures.set(record, signature);
    }
    validateInferInputs(
      signature,
      request.inputs,
      request.outputs.map((output) => output.name),
      request.id,
    );
  }
}
