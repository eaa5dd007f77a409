import { Injectable } from '@nestjs/common';
import { status, type ServerWritableStream, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { KserveOperations, type HealthCheckRequestMessage, type HealthStatus } from '@flotilla/kserve';
import { GrpcStatusError, HEALTH_SERVICE, INFERENCE_SERVICE } from '@flotilla/kserve-grpc';
import { FleetView, ModelRecords } from '@flotilla/service-kit';
import { unaryHandler } from './unary-handler';

/** The services a health check may name: "" is the server as a whole. */
const KNOWN_SERVICES = new Set(['', INFERENCE_SERVICE, HEALTH_SERVICE]);

/**
 * Readiness can also change without an event this gateway hears (the scheduler stops answering),
 * so watched health is re-checked this often too — only while someone watches.
 */
const WATCH_RECHECK_MS = 5000;

interface Watcher {
  readonly call: ServerWritableStream<HealthCheckRequestMessage, object>;
  last?: HealthStatus;
}

/**
 * `grpc.health.v1.Health`: SERVING exactly when the server is ready (ServerReady, `GET
 * /v2/health/ready`), NOT_SERVING otherwise. Check answers once; Watch answers at once and again
 * whenever the answer changes, re-checked when models or the fleet change and every few seconds.
 */
@Injectable()
export class GrpcHealthService {
  private readonly watchers = new Set<Watcher>();
  private recheck?: NodeJS.Timeout;
  private checking = false;
  private checkAgain = false;

  constructor(
    private readonly operations: KserveOperations,
    records: ModelRecords,
    fleet: FleetView,
  ) {
    records.onChange(() => this.refreshWatchers());
    fleet.onChange(() => this.refreshWatchers());
  }

  implementation(): UntypedServiceImplementation {
    return {
      Check: unaryHandler(async (request: HealthCheckRequestMessage) => {
        if (!KNOWN_SERVICES.has(request.service)) throw new GrpcStatusError(status.NOT_FOUND, `unknown service '${request.service}'`);
        return { status: await this.status() };
      }),
      Watch: (call: ServerWritableStream<HealthCheckRequestMessage, object>) => this.watch(call),
    };
  }

  /** Ends every watch: the server is going away, and its shutdown should not wait on them. */
  endWatches(): void {
    clearInterval(this.recheck);
    for (const watcher of this.watchers) watcher.call.end();
    this.watchers.clear();
  }

  private async status(): Promise<HealthStatus> {
    return (await this.operations.serverReady()) ? 'SERVING' : 'NOT_SERVING';
  }

  private watch(call: ServerWritableStream<HealthCheckRequestMessage, object>): void {
    // The standard: an unknown service is reported as such, and the call stays open.
    if (!KNOWN_SERVICES.has(call.request.service)) return void call.write({ status: 'SERVICE_UNKNOWN' });
    const watcher: Watcher = { call };
    this.watchers.add(watcher);
    const forget = () => {
      this.watchers.delete(watcher);
      if (this.watchers.size > 0) return;
      clearInterval(this.recheck);
      this.recheck = undefined;
    };
    call.on('cancelled', forget);
    call.on('error', forget);
    this.recheck ??= setInterval(() => this.refreshWatchers(), WATCH_RECHECK_MS).unref();
    this.refreshWatchers();
  }

  /** One readiness check for all watchers at a time; a change meanwhile asks for one more. */
  private refreshWatchers(): void {
    if (this.watchers.size === 0) return;
    if (this.checking) return void (this.checkAgain = true);
    this.checking = true;
    void this.status().then((current) => {
      for (const watcher of this.watchers) {
        if (watcher.last !== current && !watcher.call.cancelled) watcher.call.write({ status: current });
        watcher.last = current;
      }
      this.checking = false;
      if (this.checkAgain) {
        this.checkAgain = false;
        this.refreshWatchers();
      }
    });
  }
}
