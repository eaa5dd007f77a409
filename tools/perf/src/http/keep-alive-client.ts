// HTTP/1.1 with keep-alive over node:http. Not fetch(): undici's fetch costs noticeably more CPU
// per request, and on a 2-core machine the load generator's CPU is taken from the server's.
import { Agent, request, type ClientRequest, type IncomingHttpHeaders } from 'node:http';
import type { InferOutcome } from '../load/infer-outcome';

export interface HttpResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}


export class KeepAliveClient {
  private readonly agent: Agent;
  private readonly host: string;
  private readonly port: number;
  private readonly basePath: string;

  /**
   * @param maxSockets at least the concurrency, or requests queue inside the client
   * @param timeoutMs a request with no socket activity this long fails, so a hung server ends a run
   *   with errors instead of hanging the load generator
   */
  constructor(
    baseUrl: string,
    maxSockets = 64,
    private readonly timeoutMs = 60_000,
  ) {
    const url = new URL(baseUrl);
    if (url.protocol !== 'http:') throw new Error(`only http:// URLs are supported, got ${baseUrl}`);
    this.host = url.hostname;
    this.port = Number(url.port || 80);
    this.basePath = url.pathname.replace(/\/$/, '');
    this.agent = new Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets, scheduling: 'lifo' });
  }

  /** Sends a request and reads the whole response into memory. */
  send(method: string, path: string, body?: Buffer, headers: Record<string, string> = {}): Promise<HttpResponse> {
    return new Promise((resolve, reject) => {
      const req = request(this.options(method, path, body, headers), (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      this.failOnTimeout(req, method, path);
      req.on('error', reject);
      req.end(body);
    });
  }

  async getJson(path: string): Promise<{ status: number; json: unknown }> {
    const response = await this.send('GET', path);
    const text = response.body.toString('utf8');
    try {
      return { status: response.status, json: text ? JSON.parse(text) : undefined };
    } catch {
      return { status: response.status, json: { error: text } };
    }
  }

  /**
   * The hot-path call: posts a prepared body and counts the response's bytes without keeping them
   * (4 MiB responses at c=4 would otherwise be copied once more only to be thrown away).
   */
  post(path: string, body: Buffer, headers: Readonly<Record<string, string>>): Promise<InferOutcome> {
    return new Promise((resolve, reject) => {
      const req = request(this.options('POST', path, body, headers), (res) => {
        const status = res.statusCode ?? 0;
        const failed = status < 200 || status >= 300;
        const errorChunks: Buffer[] = [];
        let bytes = 0;
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.byteLength;
          if (failed) errorChunks.push(chunk);
        });
        res.on('end', () => resolve(failed ? { ok: false, bytes, failure: `HTTP ${status}: ${Buffer.concat(errorChunks).toString('utf8').slice(0, 500)}` } : { ok: true, bytes }));
        res.on('error', reject);
      });
      this.failOnTimeout(req, 'POST', path);
      req.on('error', reject);
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }

  private failOnTimeout(req: ClientRequest, method: string, path: string): void {
    req.setTimeout(this.timeoutMs, () => req.destroy(new Error(`${method} ${path}: no answer within ${this.timeoutMs} ms`)));
  }

  private options(method: string, path: string, body: Buffer | undefined, headers: Readonly<Record<string, string>>) {
    return {
      agent: this.agent,
      host: this.host,
      port: this.port,
      method,
      path: this.basePath + path,
      headers: body ? { ...headers, 'Content-Length': String(body.byteLength) } : headers,
    };
  }
}
