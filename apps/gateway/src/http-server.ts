import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import {
  checkRequestHead,
  clientErrorReply,
  compressBody,
  DEFAULT_HTTP_LIMITS,
  errorBody,
  rawHttpResponse,
  readRequestBody,
  requestBodyEncoding,
  responseEncoding,
  type HttpLimits,
} from '@flotilla/kserve';
import { GATEWAY_OPTIONS, type GatewayOptions } from './gateway.options';
import { KserveRouter, type HttpReply } from './kserve.router';
import { lingerAfterResponse, lingeringClose } from './lingering-close';
import { closeServer, listeningAddress } from './listening-server';

/**
 * The HTTP listener. Plain `node:http` rather than Nest's HTTP platform: on this hot path it
 * answers 2–3× more requests per second than a framework router (see docs/ARCHITECTURE.md), and
 * binary tensor bodies want raw Buffers, not parsed JSON. Every limit and every request the parser
 * refuses is answered here with a KServe `{"error": ...}` body (docs/http.md lists them).
 */
@Injectable()
export class HttpServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('http');
  private readonly limits: HttpLimits;
  private server?: Server;

  constructor(
    private readonly router: KserveRouter,
    @Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions,
  ) {
    this.limits = { ...DEFAULT_HTTP_LIMITS, maxBodyBytes: options.maxBodyBytes };
  }

  async onApplicationBootstrap(): Promise<void> {
    const server = createServer({ keepAliveTimeout: 65_000, maxHeaderSize: this.limits.maxHeaderBytes }, (req, res) => this.serve(req, res));
    server.headersTimeout = 70_000;
    // No cap in Node (it would drop the surplus, or answer a bare 400): checkRequestHead counts them,
    // and maxHeaderSize already bounds what a request can make the parser hold.
    server.maxHeadersCount = 0;
    server.on('clientError', (error: Error & { code?: string; rawPacket?: Buffer }, socket: Socket) => this.refuse(socket, error));
    // Without a listener Node drops a CONNECT connection without a word.
    server.on('connect', (req: IncomingMessage, socket: Socket) => answerRaw(socket, 405, `HTTP method '${req.method}' is not supported`));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.httpPort, this.options.httpAddress, () => resolve());
    });
    server.on('error', (error) => this.logger.error(`HTTP server error: ${error.message}`));
    this.server = server;
    this.logger.log(`KServe v2 HTTP API listening on ${listeningAddress(server)}`);
  }

  onApplicationShutdown(): Promise<void> {
    return closeServer(this.server);
  }

  /** A request Node's parser refused: answer on the socket itself when nothing else is being written. */
  private refuse(socket: Socket, error: Error & { code?: string; rawPacket?: Buffer }): void {
    // The parser reports again for each packet that arrives after its first error. The first answer
    // stands and its lingering close drains the rest: destroying here (the socket is no longer
    // writable once answered) would reset the connection and lose that answer, as CI once saw.
    if (answered.has(socket)) return;
    const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) return void socket.destroy();
    const { status, message } = clientErrorReply(error, this.limits);
    answerRaw(socket, status, message);
  }

  private serve(req: IncomingMessage, res: ServerResponse): void {
    this.reply(req).then(
      (reply) => send(res, reply),
      (error) => send(res, errorReply(error)),
    );
  }

  private async reply(req: IncomingMessage): Promise<HttpReply> {
    let body: Buffer;
    try {
      checkRequestHead(req.url ?? '/', req.rawHeaders, this.limits);
      const encoding = requestBodyEncoding(req.headers['content-encoding']);
      const declared = req.headers['content-length'];
      body = await readRequestBody(req, {
        encoding,
        limit: this.limits.maxBodyBytes,
        declaredLength: declared === undefined ? undefined : Number(declared),
        limitName: '--http-max-body-bytes',
      });
    } catch (error) {
      // The body was not (fully) read: the connection cannot carry another request, and must not
      // be cut while the client is still sending, or the client never sees this answer.
      req.resume();
      lingerAfterResponse(req.socket);
      const reply = errorReply(error);
      return { ...reply, headers: { ...reply.headers, Connection: 'close' } };
    }
    const reply = await this.router.handle(req.method ?? 'GET', req.url ?? '/', req.headers, body);
    return compressed(reply, responseEncoding(req.headers['accept-encoding']));
  }
}

function errorReply(error: unknown): HttpReply {
  const { status, body } = errorBody(error);
  return { status, headers: { 'Content-Type': 'application/json' }, body: [Buffer.from(body)] };
}

/** The reply compressed as the client asked; an empty body stays empty. */
async function compressed(reply: HttpReply, encoding: ReturnType<typeof responseEncoding>): Promise<HttpReply> {
  if (reply.body.length === 0) return reply;
  // Caches must keep compressed and plain answers apart even when this one went out plain.
  if (!encoding) return { ...reply, headers: { ...reply.headers, Vary: 'Accept-Encoding' } };
  const body = await compressBody(reply.body, encoding);
  return { ...reply, headers: { ...reply.headers, 'Content-Encoding': encoding, Vary: 'Accept-Encoding' }, body: [body] };
}

function send(res: ServerResponse, reply: HttpReply): void {
  let length = 0;
  for (const chunk of reply.body) length += chunk.byteLength;
  res.writeHead(reply.status, { ...reply.headers, 'Content-Length': String(length) });
  if (reply.body.length === 1) return void res.end(reply.body[0]);
  res.cork();
  for (const chunk of reply.body) res.write(chunk);
  res.end();
  res.uncork();
}

/** Writes a whole response to a socket that has no ServerResponse, then closes it. */
function answerRaw(socket: Socket, status: number, message: string): void {
  answered.add(socket);
  lingeringClose(socket, rawHttpResponse(status, message));
}

const answered = new WeakSet<Socket>();
