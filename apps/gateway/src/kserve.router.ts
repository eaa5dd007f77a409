import { Inject, Injectable } from '@nestjs/common';
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { IncomingHttpHeaders } from 'node:http';
import { dataTypeToDatatype, modelMetadata, type ModelConfig } from '@flotilla/model-config';
import { invalidArg, notFound, type ExecutionStamp, type ModelRecord } from '@flotilla/contracts';
import {
  configWarningsHeaders,
  decodeInferRequest,
  encodeInferResponse,
  errorBody,
  matchRoute,
  METHOD_NOT_ALLOWED,
  NOT_FOUND,
  parseInferenceHeaderLength,
  serverMetadata,
  type RouteMatch,
} from '@flotilla/kserve';
import { GATEWAY_OPTIONS, type GatewayOptions } from './gateway.options';
import { InferClient } from './infer.client';
import { ModelCatalog } from './model-catalog';
import { modelStatistics } from './model-statistics';

export interface HttpReply {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: readonly Buffer[];
}

const VERSION = '0.1.0';
const tracer = trace.getTracer('flotilla-gateway');
const JSON_TYPE = { 'Content-Type': 'application/json' };

/**
 * The KServe v2 HTTP API: one method per route, each turning a request into a reply. Errors of
 * any kind become Triton's `{"error": "..."}` body with the status its code maps to.
 */
@Injectable()
export class KserveRouter {
  constructor(
    private readonly catalog: ModelCatalog,
    private readonly client: InferClient,
    @Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions,
  ) {}

  async handle(method: string, url: string, headers: IncomingHttpHeaders, body: Buffer): Promise<HttpReply> {
    const route = matchRoute(method, url);
    try {
      return await this.route(route, headers, body);
    } catch (error) {
      const { status, body: text } = errorBody(error);
      return { status, headers: JSON_TYPE, body: [Buffer.from(text)] };
    }
  }

  private async route(route: RouteMatch, headers: IncomingHttpHeaders, body: Buffer): Promise<HttpReply> {
    switch (route.kind) {
      case 'health-live':
        return empty(200);
      case 'health-ready':
        return empty((await this.serverReady()) ? 200 : 400);
      case 'server-metadata':
        return json(200, serverMetadata(VERSION));
      case 'model-metadata': {
        const record = await this.catalog.get(route.model);
        return json(200, modelMetadata(configOf(record), versionsOf(record, route.version)));
      }
      case 'model-config': {
        const record = await this.catalog.get(route.model);
        return json(200, configOf(record), configWarningsHeaders(record.warnings));
      }
      case 'model-ready':
        return (await this.modelReady(route.model, route.version)) ? empty(200) : json(400, { error: 'Model version not ready' });
      case 'model-infer':
        return this.infer(route.model, route.version ?? '', headers, body);
      case 'repository-index':
        return json(200, (await this.catalog.refresh()).flatMap(repositoryIndexRows));
      case 'flotilla-slots':
        return json(200, await this.catalog.schedulerStatus());
      case 'flotilla-rate-limiter':
        return json(200, await this.catalog.rateLimiterStatus());
      case 'model-stats': {
        const [records, snapshot] = await Promise.all([this.catalog.refresh(), this.catalog.statistics()]);
        return json(200, modelStatistics(records, snapshot, route.model, route.version));
      }
      case 'method-not-allowed':
        return { status: METHOD_NOT_ALLOWED.status, headers: { ...JSON_TYPE, Allow: route.allowed.join(', ') }, body: [Buffer.from(METHOD_NOT_ALLOWED.body)] };
      case 'not-found':
        return { status: NOT_FOUND.status, headers: JSON_TYPE, body: [Buffer.from(NOT_FOUND.body)] };
    }
  }

  private async infer(model: string, version: string, headers: IncomingHttpHeaders, body: Buffer): Promise<HttpReply> {
    const parent = propagation.extract(context.active(), headers);
    const span = tracer.startSpan('InferRequest', { kind: SpanKind.SERVER, attributes: { 'triton.model_name': model, 'triton.model_version': version } }, parent);
    try {
      const headerLength = parseInferenceHeaderLength(headers['inference-header-content-length']);
      const request = decodeInferRequest(body, headerLength, headerLength === 0 ? await this.rawInput(model) : undefined);
      if (request.id) span.setAttribute('triton.request_id', request.id);
      const result = await this.client.infer({
        model,
        version,
        id: request.id,
        inputs: request.inputs,
        outputs: request.outputs.map((output) => output.name),
        trace: trace.setSpan(parent, span),
      });
      const parameters = request.parameters[EXECUTION_INFO_PARAMETER] === true ? executionParameters(result.meta.execution) : undefined;
      const encoded = encodeInferResponse({ id: request.id, modelName: result.modelName, modelVersion: result.modelVersion, outputs: result.outputs, parameters }, request);
      return { status: 200, headers: encoded.headers, body: encoded.body };
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      throw error;
    } finally {
      span.end();
    }
  }

  /** For raw binary requests: the model's single input, whose shape the body's length decides. */
  private async rawInput(model: string) {
    const config = configOf(await this.catalog.get(model));
    if (config.input.length !== 1) return { modelInputCount: config.input.length };
    const [input] = config.input;
    return {
      modelInputCount: 1,
      rawInput: { name: input.name, datatype: dataTypeToDatatype(input.data_type), shape: input.dims, batched: config.max_batch_size > 0 },
    };
  }

  private async modelReady(model: string, version: string | undefined): Promise<boolean> {
    const record = await this.catalog.get(model);
    const status = await this.catalog.schedulerStatus();
    const ready = status.models.filter((m) => m.name === model && m.ready).map((m) => m.version);
    if (version === undefined) return ready.length > 0;
    if (!record.versions.some((v) => String(v.version) === version)) throw notFound(`Request for unknown model: '${model}' version ${version} is not found`);
    return ready.includes(Number(version));
  }

  /**
   * Ready when the repository and scheduler answer and every loaded model version can execute;
   * with --strict-readiness (Triton's default) a model that failed to load also makes it unready.
   */
  private async serverReady(): Promise<boolean> {
    try {
      const [models, status] = await Promise.all([this.catalog.refresh(), this.catalog.schedulerStatus()]);
      const executable = new Set(status.models.filter((m) => m.ready).map((m) => `${m.name}/${m.version}`));
      return models.every((model) => {
        const ready = model.versions.filter((v) => v.state === 'READY');
        if (model.reason || ready.length < model.versions.length) return !this.options.strictReadiness;
        return ready.every((v) => executable.has(`${model.name}/${v.version}`));
      });
    } catch {
      return false;
    }
  }
}

function configOf(record: ModelRecord): ModelConfig {
  if (!record.config) throw invalidArg(`model '${record.name}' is not available: ${record.reason}`);
  return record.config as unknown as ModelConfig;
}

function versionsOf(record: ModelRecord, requested: string | undefined): number[] {
  const ready = record.versions.filter((v) => v.state === 'READY').map((v) => v.version);
  if (requested === undefined) return ready;
  if (!ready.includes(Number(requested))) throw notFound(`Request for unknown model: '${record.name}' version ${requested} is not found`);
  return [Number(requested)];
}

/**
 * A request parameter that asks for where and when the request ran, returned as response
 * parameters. Tests use it to prove slots overlap from their own stamps; operators to see placement.
 */
const EXECUTION_INFO_PARAMETER = 'flotilla_execution_info';

function executionParameters(execution: ExecutionStamp | undefined): Record<string, unknown> | undefined {
  if (!execution) return undefined;
  return {
    flotilla_executor: execution.executorId,
    flotilla_device: execution.device,
    flotilla_instance: execution.instance,
    flotilla_queue_us: execution.queueMicros,
    flotilla_compute_start_ms: execution.computeStartMs,
    flotilla_compute_end_ms: execution.computeEndMs,
    flotilla_tensors_via: execution.tensorsVia,
  };
}

/** Triton's index rows: one per version, or one without a version for a model that failed as a whole. */
function repositoryIndexRows(record: ModelRecord): { name: string; version?: string; state: string; reason: string }[] {
  if (record.versions.length === 0) return [{ name: record.name, state: 'UNAVAILABLE', reason: record.reason }];
  return record.versions.map((v) => ({ name: record.name, version: String(v.version), state: v.state, reason: v.reason }));
}

const empty = (status: number): HttpReply => ({ status, headers: {}, body: [] });
const json = (status: number, value: unknown, headers: Record<string, string> = {}): HttpReply => ({
  status,
  headers: { ...JSON_TYPE, ...headers },
  body: [Buffer.from(JSON.stringify(value))],
});
