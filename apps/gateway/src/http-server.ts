import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { errorBody } from '@flotilla/kserve';
import { invalidArg } from '@flotilla/contracts';
import { GATEWAY_OPTIONS, type GatewayOptions } from './gateway.options';
import { KserveRouter } from './kserve.router';

/**
 * The HTTP listener. Plain `node:http` rather than Nest's HTTP platform: on this hot path it
 * answers 2–3× more requests per second than a framework router (see docs/ARCHITECTURE.md), and
 * binary tensor bodies want raw Buffers, not parsed JSON.
 */
@Injectable()
export class HttpServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('http');
  private server?: Server;

  constructor(
    private readonly router: KserveRouter,
    @Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => this.serve(req, res));
    server.headersTimeout = 70_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.httpPort, this.options.httpAddress, () => resolve());
    });
    server.on('error', (error) => this.logger.error(`HTTP server error: ${error.message}`));
    this.server = server;
    const address = server.address();
    this.logger.log(`KServe v2 HTTP API listening on ${typeof address === 'object' && address ? `${address.address}:${address.port}` : address}`);
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
  }

  private serve(req: IncomingMessage, res: ServerResponse): void {
    readBody(req, this.options.maxBodyBytes).then(
      (body) => this.router.handle(req.method ?? 'GET', req.url ?? '/', req.headers, body),
      (error) => {
        const { status, body } = errorBody(error);
        return { status, headers: { 'Content-Type': 'application/json', Connection: 'close' }, body: [Buffer.from(body)] };
      },
    ).then((reply) => {
      let length = 0;
      for (const chunk of reply.body) length += chunk.byteLength;
      res.writeHead(reply.status, { ...reply.headers, 'Content-Length': String(length) });
      if (reply.body.length === 1) return void res.end(reply.body[0]);
      res.cork();
      for (const chunk of reply.body) res.write(chunk);
      res.end();
      res.uncork();
    });
  }
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) {
      req.resume();
      return reject(invalidArg(`request body of ${declared} bytes exceeds the limit of ${limit} bytes (--max-body-bytes)`));
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > limit) {
        req.destroy();
        return reject(invalidArg(`request body exceeds the limit of ${limit} bytes (--max-body-bytes)`));
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size)));
    req.on('error', reject);
  });
}
