import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { QUEUE_GROUPS, SUBJECTS, type ExecutorAnnouncement, type ExecutorLeaving, type RegistrySnapshot } from '@flotilla/contracts';
import { ExecutorRegistry } from '@flotilla/fleet';
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
  private sweeper?: NodeJS.Timeout;

  constructor(
    @InjectBus() private readonly bus: MessageBus,
    @Inject(RATE_LIMIT_MODE) private readonly mode: 'off' | 'execution_count',
  ) {}

  onApplicationBootstrap(): void {
    if (this.mode !== 'off') this.logger.warn(`--rate-limit=${this.mode}: resource-based scheduling is not implemented yet; instances are granted as with 'off'`);
    this.bus.subscribe(SUBJECTS.executorHeartbeat, (m) => this.registry.announce(decodeJson<ExecutorAnnouncement>(m.data), Date.now()));
    this.bus.subscribe(SUBJECTS.executorLeaving, (m) => this.registry.leave(decodeJson<ExecutorLeaving>(m.data).executorId));
    serveJson<void, RegistrySnapshot>(
      this.bus,
      SUBJECTS.registrySnapshot,
      () => ({ rateLimit: this.mode, executors: this.registry.all(), executions: executionCounts(this.registry.all()) }),
      { queue: QUEUE_GROUPS.rateLimiter },
    );
    this.sweeper = setInterval(() => {
      for (const { executorId, changes } of this.registry.expire(Date.now())) {
        this.logger.warn(`executor ${executorId} stopped sending heartbeats: ${changes.gone.length} slot(s) gone`);
      }
    }, 250);
  }

  onApplicationShutdown(): void {
    clearInterval(this.sweeper);
  }
}

/** Payloads each slot has finished, successfully or not, as its executor last announced. */
function executionCounts(executors: readonly ExecutorAnnouncement[]): Record<string, number> {
  return Object.fromEntries(executors.flatMap((executor) => executor.slots.map((slot) => [slot.slotId, slot.stats.success.count + slot.stats.fail.count])));
}
