import { Controller, Inject, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { QUEUE_GROUPS, SUBJECTS, type ExecutorAnnouncement, type RateLimiterHoldings, type RateLimiterStatus, type RegistrySnapshot } from '@flotilla/contracts';
import type { RateLimiter, RateLimitMode } from '@flotilla/rate-limiting';
import { FleetView } from '@flotilla/service-kit';
import { GrantLoop } from './grant-loop';
import { RATE_LIMITER } from './instance-registration';

export const RATE_LIMIT_MODE = Symbol('RateLimitMode');

/**
 * The rate limiter's control messages: the instance registry (every executor's slots and their
 * execution counts, as this process's fleet view holds them), the rate limiter's status (pools,
 * waiters, instances) and, after a restart, what schedulers report holding.
 *
 * With `--rate-limit=off` (Triton's default) the scheduler picks slots itself and this service
 * only observes; with `execution_count` it grants them (GrantLoop).
 */
@Controller()
export class RateLimiterController implements OnApplicationBootstrap {
  private readonly logger = new Logger('registry');

  constructor(
    private readonly fleet: FleetView,
    @Inject(RATE_LIMIT_MODE) private readonly mode: RateLimitMode,
    @Inject(RATE_LIMITER) private readonly limiter: RateLimiter | undefined,
    private readonly grants: GrantLoop,
  ) {}

  /** A scheduler's answer to `rateLimiterStarted`: what it runs and what waits, to adopt. */
  @EventPattern(SUBJECTS.rateLimiterHoldings)
  holdings(@Payload() holdings: RateLimiterHoldings): void {
    this.grants.adopt(holdings);
  }

  onApplicationBootstrap(): void {
    if (this.mode !== 'off') {
      const pools = this.limiter?.snapshot().pools.length ?? 0;
      this.logger.log(`--rate-limit=${this.mode}: instances run only while they hold their resources, in order of executions × priority (${pools} pool(s) so far)`);
    }
  }

  @MessagePattern(SUBJECTS.rateLimiterStatus, { queue: QUEUE_GROUPS.rateLimiter })
  status(): RateLimiterStatus {
    const limiter = this.limiter;
    if (!limiter) return { rateLimit: this.mode, pools: [], staged: [], instances: [] };
    const snapshot = limiter.snapshot();
    // Instances that need no resources run without grants: their executions are the ones their
    // executors report in beats (at most a beat old), not counted here.
    const reported = Object.fromEntries(this.fleet.executors().flatMap((executor) => executor.slots.map((slot) => [slot.slotId, slot.stats.executionCount])));
    const instances = snapshot.instances.map((instance) => (limiter.needsResources(instance.id) ? instance : { ...instance, executions: reported[instance.id] ?? 0 }));
    return { rateLimit: this.mode, ...snapshot, instances };
  }

  @MessagePattern(SUBJECTS.registrySnapshot, { queue: QUEUE_GROUPS.rateLimiter })
  registry(): RegistrySnapshot {
    const executors = this.fleet.executors();
    return { rateLimit: this.mode, executors, executions: executionCounts(executors) };
  }
}

/** Payloads each slot has finished, successfully or not, as its executor last reported. */
function executionCounts(executors: readonly ExecutorAnnouncement[]): Record<string, number> {
  return Object.fromEntries(executors.flatMap((executor) => executor.slots.map((slot) => [slot.slotId, slot.stats.success.count + slot.stats.fail.count])));
}
