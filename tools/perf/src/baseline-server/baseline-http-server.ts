// The baseline: what a user might write instead of adopting Flotilla. One process, node:http, the
// KServe v2 infer route (JSON and binary tensors, via @flotilla/kserve's codec) and metadata,
// onnxruntime on one worker thread per instance. No NATS, no scheduler process, no hops.
//
// node:http rather than Fastify: on this machine a trivial endpoint at 32 in flight answers
// 14–26 k req/s on node:http and 6–10 k on Fastify 5 (docs/stack-notes "Measured"), and the
// baseline should be the fastest plausible hand-written server, not a framework's.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { notFound } from '@flotilla/contracts';
import { decodeInferRequest, encodeInferResponse, errorBody, matchRoute, NOT_FOUND, parseInferenceHeaderLength } from '@flotilla/kserve';
import type { InstancePool } from './instance-pool';
import { rawInputOf } from './repository-models';

interface Reply {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: readonly Buffer[];
}

const JSON_TYPE = { 'Content-Type': 'application/json' };

export class BaselineHttpServer {
  private server: Server | undefined;

  constructor(private readonly pools: ReadonlyMap<string, InstancePool>) {}

  listen(port: number, host: string): Promise<number> {
    const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => this.serve(req, res));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        const address = server.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
    });
  }

  close(): Promise<void> {
    const server = this.server;
    if (!server) return Promise.resolve();
    return new Promise((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
  }

  private serve(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
      this.handle(req, body)
        .catch((error: unknown) => {
          const { status, body: text } = errorBody(error);
          return { status, headers: JSON_TYPE, body: [Buffer.from(text)] };
        })
        .then((reply) => write(res, reply));
    });
  }

  private async handle(req: IncomingMessage, body: Buffer): Promise<Reply> {
    const route = matchRoute(req.method ?? 'GET', req.url ?? '/');
    switch (route.kind) {
      case 'health-live':
      case 'health-ready':
        return { status: 200, headers: {}, body: [] };
      case 'model-ready':
        return { status: this.pools.has(route.model) ? 200 : 400, headers: {}, body: [] };
      case 'model-metadata':
        return json(200, this.pool(route.model).model.metadata);
      case 'model-infer': {
        const pool = this.pool(route.model);
        const headerLength = parseInferenceHeaderLength(req.headers['inference-header-content-length']);
        const request = decodeInferRequest(body, headerLength, headerLength === 0 ? rawInputOf(pool.model) : undefined);
        const wanted = request.outputs.length > 0 ? request.outputs.map((output) => output.name) : undefined;
        const result = await pool.execute(request.inputs, wanted);
        const encoded = encodeInferResponse(
          { id: request.id, modelName: pool.model.name, modelVersion: String(pool.model.version), outputs: result.outputs },
          request,
        );
        return { status: 200, headers: encoded.headers, body: encoded.body };
      }
      default:
        return { status: NOT_FOUND.status, headers: JSON_TYPE, body: [Buffer.from(NOT_FOUND.body)] };
    }
  }

  private pool(model: string): InstancePool {
    const pool = this.pools.get(model);
    if (!pool) throw notFound(`Request for unknown model: '${model}' is not found`);
    return pool;
  }
}

function write(res: ServerResponse, reply: Reply): void {
  let length = 0;
  for (const chunk of reply.body) length += chunk.byteLength;
  res.writeHead(reply.status, { ...reply.headers, 'Content-Length': String(length) });
  if (reply.body.length <= 1) return void res.end(reply.body[0]);
  res.cork();
  for (const chunk of reply.body) res.write(chunk);
  res.end();
  res.uncork();
}

const json = (status: number, value: unknown): Reply => ({ status, headers: JSON_TYPE, body: [Buffer.from(JSON.stringify(value))] });
