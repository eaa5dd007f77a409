import { Injectable } from '@nestjs/common';
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { executionParameters, scheduleParameters, type InferRequest, type InferResponse } from '@flotilla/kserve';
import { InferClient } from './infer.client';

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
 * requests show in traces, the trip through the fleet, and the response parameters.
 */
@Injectable()
export class InferPipeline {
  constructor(private readonly client: InferClient) {}

  async run<T>(
    target: InferTarget,
    traceCarrier: Record<string, unknown>,
    decode: () => InferRequest | Promise<InferRequest>,
    encode: (request: InferRequest, response: InferResponse) => T,
  ): Promise<T> {
    const parent = propagation.extract(context.active(), traceCarrier);
    const span = tracer.startSpan(
      'InferRequest',
      { kind: SpanKind.SERVER, attributes: { 'triton.model_name': target.model, 'triton.model_version': target.version, 'flotilla.protocol': target.protocol } },
      parent,
    );
    try {
      const request = await decode();
      if (request.id) span.setAttribute('triton.request_id', request.id);
      const result = await this.client.infer({
        model: target.model,
        version: target.version,
        id: request.id,
        inputs: request.inputs,
        outputs: request.outputs.map((output) => output.name),
        trace: trace.setSpan(parent, span),
        deadline: target.deadline,
        ...scheduleParameters(request.parameters),
      });
      const parameters = executionParameters(request.parameters, result.meta.execution);
      return encode(request, { id: request.id, modelName: result.modelName, modelVersion: result.modelVersion, outputs: result.outputs, parameters });
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      throw error;
    } finally {
      span.end();
    }
  }
}
