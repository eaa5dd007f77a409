import { Injectable } from '@nestjs/common';
import type { IncomingHttpHeaders } from 'node:http';
import {
  configWarningsHeaders,
  decodeInferRequest,
  encodeInferResponse,
  errorBody,
  KserveOperations,
  matchRoute,
  METHOD_NOT_ALLOWED,
  NOT_FOUND,
  parseInferenceHeaderLength,
  parseRepositoryIndexBody,
  parseRepositoryParametersBody,
  TraceSettingOperations,
  type RouteMatch,
} from '@flotilla/kserve';
import { GatewayHealth } from './gateway-health';
import { InferPipeline } from './infer-pipeline';
import { ModelCatalog } from './model-catalog';

export interface HttpReply {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: readonly Buffer[];
}

const JSON_TYPE = { 'Content-Type': 'application/json' };
/** On a 400 from `/v2/health/ready`: what makes the server unready (Triton's body stays empty). */
export const NOT_READY_HEADER = 'Flotilla-Not-Ready';

/**
 * The KServe v2 HTTP API: one case per route, each turning a request into a call on the shared
 * operations (or the shared inference path) and its answer into a reply. Errors of any kind become
 * Triton's `{"error": "..."}` body with the status its code maps to.
 */
@Injectable()
export class KserveRouter {
  constructor(
    private readonly operations: KserveOperations,
    private readonly pipeline: InferPipeline,
    private readonly catalog: ModelCatalog,
    private readonly traceSettings: TraceSettingOperations,
    private readonly health: GatewayHealth,
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
    const ops = this.operations;
    switch (route.kind) {
      case 'health-live':
        return empty(ops.serverLive() ? 200 : 400);
      case 'health-ready': {
        // Triton's answer is an empty body; why it is not ready is in a header (and the gateway's log).
        const { ready, reasons } = await this.health.readiness();
        return ready ? empty(200) : { status: 400, headers: { [NOT_READY_HEADER]: reasons.join('; ').replace(/[^\x20-\x7e]/g, '?') }, body: [] };
      }
      case 'server-metadata':
        return json(200, ops.serverMetadata());
      case 'model-metadata':
        return json(200, await ops.modelMetadata(route.model, route.version));
      case 'model-config': {
        const { config, warnings } = await ops.modelConfig(route.model, route.version);
        return json(200, config, configWarningsHeaders(warnings));
      }
      case 'model-ready':
        return (await ops.modelReady(route.model, route.version)) ? empty(200) : json(400, { error: 'Model version not ready' });
      case 'model-infer':
        return this.infer(route.model, route.version ?? '', headers, body);
      case 'model-stats':
        return json(200, await ops.modelStatistics(route.model, route.version));
      case 'repository-index':
        return json(200, await ops.repositoryIndex({ repository: route.repository, ...parseRepositoryIndexBody(body) }));
      case 'repository-load':
        await ops.repositoryLoad({ repository: route.repository, model: route.model, parameters: parseRepositoryParametersBody(body, 'load') });
        return empty(200);
      case 'repository-unload':
        await ops.repositoryUnload({ repository: route.repository, model: route.model, parameters: parseRepositoryParametersBody(body, 'unload') });
        return empty(200);
      case 'flotilla-slots':
        return json(200, await this.catalog.schedulerStatus());
      case 'flotilla-rate-limiter':
        return json(200, await this.catalog.rateLimiterStatus());
      case 'flotilla-health':
        return json(200, await this.health.report());
      case 'trace-setting':
        return json(200, route.method === 'GET' ? await this.traceSettings.get(route.model) : await this.traceSettings.updateFromBody(route.model, body));
      case 'method-not-allowed':
        return { status: METHOD_NOT_ALLOWED.status, headers: { ...JSON_TYPE, Allow: route.allowed.join(', ') }, body: [Buffer.from(METHOD_NOT_ALLOWED.body)] };
      case 'not-found':
        return { status: NOT_FOUND.status, headers: JSON_TYPE, body: [Buffer.from(NOT_FOUND.body)] };
    }
  }

  private infer(model: string, version: string, headers: IncomingHttpHeaders, body: Buffer): Promise<HttpReply> {
    return this.pipeline.run(
      { model, version, protocol: 'http' },
      headers,
      async () => {
        const headerLength = parseInferenceHeaderLength(headers['inference-header-content-length']);
        return decodeInferRequest(body, headerLength, headerLength === 0 ? await this.operations.rawInput(model) : undefined);
      },
      (request, response) => {
        const encoded = encodeInferResponse(response, request);
        return { status: 200, headers: encoded.headers, body: encoded.body };
      },
    );
  }
}

const empty = (status: number): HttpReply => ({ status, headers: {}, body: [] });
const json = (status: number, value: unknown, headers: Record<string, string> = {}): HttpReply => ({
  status,
  headers: { ...JSON_TYPE, ...headers },
  body: [Buffer.from(JSON.stringify(value))],
});
