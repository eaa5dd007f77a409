import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { RateLimiterStatus } from '@flotilla/contracts';
import { MetricsPage } from '@flotilla/metrics';
import { FleetView, ModelRecords } from '@flotilla/service-kit';
import { GATEWAY_OPTIONS, type GatewayOptions } from './gateway.options';
import { closeServer, listeningAddress } from './listening-server';
import { ModelCatalog } from './model-catalog';

/** The rate limiter is asked briefly: its gauges are a bonus, and a scrape must not wait on it. */
const RATE_LIMITER_TIMEOUT_MS = 250;

/**
 * Prometheus' `GET /metrics` on its own port (Triton's 8002), in the gateway. Nothing is counted
 * on the request path: each scrape asks the scheduler for the deployment's statistics — which
 * first has every executor report what it has counted, so the figures include every response
 * already sent — and for its queues and slots, reads the fleet and the model records this process
 * holds (READY versions are reported, as Triton reports loaded models), and writes the page
 * (libs/metrics). So a scrape costs a few control messages, and an inference nothing.
 */
@Injectable()
export class MetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('metrics');
  private server?: Server;
  private readonly page?: MetricsPage;

  constructor(
    private readonly catalog: ModelCatalog,
    private readonly fleet: FleetView,
    private readonly records: ModelRecords,
    @Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions,
  ) {
    if (options.metrics) this.page = new MetricsPage(options.metrics.config);
  }

  async onApplicationBootstrap(): Promise<void> {
    const metrics = this.options.metrics;
    if (!metrics) return;
    const server = createServer((req, res) => void this.serve(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(metrics.port, metrics.address, () => resolve());
    });
    server.on('error', (error) => this.logger.error(`metrics server error: ${error.message}`));
    this.server = server;
    this.logger.log(`Prometheus metrics on http://${listeningAddress(server)}/metrics`);
  }

  onApplicationShutdown(): Promise<void> {
    return closeServer(this.server);
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    req.resume();
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics') return answer(res, 404, 'text/plain', 'Not Found: metrics are at /metrics\n');
    if (req.method !== 'GET' && req.method !== 'HEAD') return answer(res, 405, 'text/plain', 'Method Not Allowed\n');
    try {
      const [statistics, scheduler, rateLimiter] = await Promise.all([this.catalog.statistics(), this.catalog.schedulerStatus(), this.rateLimiter()]);
      const versions = this.records.all().flatMap((record) => record.versions.filter((v) => v.state === 'READY').map((v) => ({ name: record.name, version: v.version })));
      const text = await this.page!.render({ versions, statistics, scheduler, executors: this.fleet.executors(), ...(rateLimiter ? { rateLimiter } : {}) });
      answer(res, 200, this.page!.contentType, req.method === 'HEAD' ? '' : text);
    } catch (error) {
      // The scheduler is away: Prometheus records a failed scrape rather than figures that went down.
      answer(res, 503, 'text/plain', `metrics unavailable: ${(error as Error).message}\n`);
    }
  }

  private rateLimiter(): Promise<RateLimiterStatus | undefined> {
    return this.catalog.rateLimiterStatus(RATE_LIMITER_TIMEOUT_MS).catch(() => undefined);
  }
}

function answer(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': String(Buffer.byteLength(body)) });
  res.end(body);
}
