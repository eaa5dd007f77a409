import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SHARED_MEMORY_DIR, sharedMemoryId, TENSOR_FILE_PREFIX as FILE_PREFIX } from '@flotilla/tensor-files';
import { FleetView } from '@flotilla/service-kit';
import { GATEWAY_OPTIONS, type GatewayOptions } from './gateway.options';

/** Files of a gateway that died before cleaning up are removed once they are this old. */
const STALE_MS = 10 * 60_000;

/**
 * Decides when a request's tensors skip the broker: when they are large (≥ the threshold) and
 * every executor in the fleet sees the same shared-memory folder as this gateway, the inputs go
 * through a file in /dev/shm and the frame carries only its name; the executor answers the same
 * way. Megabytes then cost two memory copies each way instead of three trips through NATS.
 * Anything else — a remote executor, no /dev/shm, a small request — travels inside the frame.
 */
@Injectable()
export class SharedMemoryRoute implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('shared-memory');
  private readonly id = sharedMemoryId();
  private sequence = 0;
  private sweeper?: NodeJS.Timeout;

  constructor(
    /** Who is in the fleet (three missed heartbeats and an executor is gone). */
    private readonly fleet: FleetView,
    @Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.id || this.options.tensorFileThresholdBytes === 0) return;
    this.sweepStaleFiles();
    this.sweeper = setInterval(() => this.sweepStaleFiles(), STALE_MS).unref();
    this.logger.log(`tensors of ${this.options.tensorFileThresholdBytes} bytes or more go through ${SHARED_MEMORY_DIR} to executors on this machine`);
  }

  onApplicationShutdown(): void {
    clearInterval(this.sweeper);
  }

  /** A fresh file path for a request's inputs, or undefined when the inputs must ride in the frame. */
  pathFor(inputBytes: number): string | undefined {
    if (!this.id || this.options.tensorFileThresholdBytes === 0 || inputBytes < this.options.tensorFileThresholdBytes) return undefined;
    if (!this.fleetSharesMemory()) return undefined;
    return join(SHARED_MEMORY_DIR, `${FILE_PREFIX}${process.pid}-${(++this.sequence).toString(36)}.in`);
  }

  /** True when every live executor sees this gateway's /dev/shm (whichever runs the request). */
  private fleetSharesMemory(): boolean {
    const executors = this.fleet.executors();
    return executors.length > 0 && executors.every((executor) => executor.sharedMemoryId === this.id);
  }

  private sweepStaleFiles(): void {
    const now = Date.now();
    for (const name of safeList(SHARED_MEMORY_DIR)) {
      if (!name.startsWith(FILE_PREFIX)) continue;
      const path = join(SHARED_MEMORY_DIR, name);
      try {
        if (now - statSync(path).mtimeMs > STALE_MS) rmSync(path, { force: true });
      } catch {
        // removed by its owner meanwhile
      }
    }
  }
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
