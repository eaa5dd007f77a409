import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { hostname } from 'node:os';
import { SUBJECTS, type ExecutorAnnouncement, type ExecutorLeaving } from '@flotilla/contracts';
import { publishJson, type MessageBus } from '@flotilla/transport';
import { InjectBus } from '@flotilla/service-kit';
import { sharedMemoryId } from '@flotilla/tensor-files';
import { EXECUTOR_OPTIONS, type ExecutorOptions } from './executor.options';
import { SlotTable } from './slot-table';

/**
 * Announces this executor and its slots: every `heartbeatMs`, and at once on any slot change.
 * Silence means death to the scheduler and the rate limiter, so the timer runs on the main thread,
 * which inference never blocks (sessions run on the slots' worker threads).
 */
@Injectable()
export class Heartbeat implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('executor');
  private timer?: NodeJS.Timeout;
  /** Lets a gateway on the same machine hand large tensors over through /dev/shm. */
  private readonly sharedMemoryId = sharedMemoryId();

  constructor(
    @InjectBus() private readonly bus: MessageBus,
    @Inject(EXECUTOR_OPTIONS) private readonly options: ExecutorOptions,
    private readonly slots: SlotTable,
  ) {}

  onApplicationBootstrap(): void {
    const { executorId, device, executionProvider, simulated } = this.options;
    this.logger.log(`executor ${executorId} on ${device}: onnxruntime, ${executionProvider} execution provider${simulated ? ` — SIMULATED ${device}: a stand-in running on the CPU` : ''}`);
    this.slots.onChange(() => this.announce());
    this.timer = setInterval(() => this.announce(), this.options.heartbeatMs);
    this.announce();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    publishJson(this.bus, SUBJECTS.executorLeaving, { executorId: this.options.executorId } satisfies ExecutorLeaving);
    await this.bus.flush().catch(() => undefined);
  }

  private announce(): void {
    const announcement: ExecutorAnnouncement = {
      executorId: this.options.executorId,
      device: this.options.device,
      backend: this.options.backend,
      executionProvider: this.options.executionProvider,
      simulated: this.options.simulated,
      pid: process.pid,
      host: hostname(),
      heartbeatMs: this.options.heartbeatMs,
      sharedMemoryId: this.sharedMemoryId,
      slots: this.slots.announcements(),
    };
    publishJson(this.bus, SUBJECTS.executorHeartbeat, announcement);
  }
}
