import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { QUEUE_GROUPS, SUBJECTS, type ExecutorAnnouncement, type ExecutorLeaving, type RegistrySnapshot, type SlotReleased } from '@flotilla/contracts';
import { ExecutorRegistry } from '@flotilla/rate-limiting';
import { decodeJson, serveJson, type MessageBus } from '@flotilla/transport';
import { InjectBus } from '@flotilla/service-kit';

export const RATE_LIMIT_MODE = Symbol('RateLimitMode');

/**
 * The instance registry: every executor's slots and how many payloads each slot has executed.
 *
 * With `--rate-limit=off` (Triton's default) the scheduler picks slots itself and this service
 * only observes — it listens to the same broadcasts and is never on a request's path. The
 * execution counts kept here are what `execution_count` mode will schedule on.
 */
@Injectable()
export class InstanceRegistryService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('registry');
  private readonly registry = new ExecutorRegistry();
  private readonly executions = new Map<string, number>();
  private sweeper?: NodeJS.Timeout;

  constructor(
    @InjectBus() private readonly bus: MessageBus,
    @Inject(RATE_LIMIT_MODE) private readonly mode: 'off' | 'execution_count',
  ) {}

  onApplicationBootstrap(): void {
    if (this.mode !== 'off') this.logger.warn(`--rate-limit=${this.mode}: resource-based scheduling is not implemented yet; instances are granted as with 'off'`);
    this.bus.subscribe(SUBJECTS.executorHeartbeat, (m) => this.forget(this.registry.announce(decodeJson<ExecutorAnnouncement>(m.data), Date.now()).gone));
    this.bus.subscribe(SUBJECTS.executorLeaving, (m) => this.forget(this.registry.leave(decodeJson<ExecutorLeaving>(m.data).executorId).gone));
    this.bus.subscribe(SUBJECTS.slotReleased, (m) => {
      const { slotId } = decodeJson<SlotReleased>(m.data);
      this.executions.set(slotId, (this.executions.get(slotId) ?? 0) + 1);
    });
    serveJson<void, RegistrySnapshot>(
      this.bus,
      SUBJECTS.registrySnapshot,
      () => ({ rateLimit: this.mode, executors: this.registry.all(), executions: Object.fromEntries(this.executions) }),
      { queue: QUEUE_GROUPS.rateLimiter },
    );
    this.sweeper = setInterval(() => {
      for (const { executorId, changes } of this.registry.expire(Date.now())) {
        this.logger.warn(`executor ${executorId} stopped sending heartbeats`);
        this.forget(changes.gone);
      }
    }, 250);
  }

  onApplicationShutdown(): void {
    clearInterval(this.sweeper);
  }

  private forget(gone: readonly { slotId: string }[]): void {
    for (const slot of gone) this.executions.delete(slot.slotId);
  }
}
