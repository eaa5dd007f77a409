import { Gauge, type Registry } from 'prom-client';
import type { MetricsInput } from './metrics-input';

/**
 * Flotilla's own gauges, beside Triton's and named `flotilla_*` so that no one mistakes them for
 * Triton's: the instance slots per device and state, the executors (a stand-in GPU marked
 * `simulated="true"`), how many executors' figures this scrape could not refresh, and the rate
 * limiter's pools and waiters.
 */
export class FlotillaFamilies {
  private readonly slots: Gauge<'device' | 'simulated' | 'state'>;
  private readonly executors: Gauge<'executor' | 'device' | 'execution_provider' | 'simulated'>;
  private readonly stale: Gauge;
  private readonly poolTotal: Gauge<'pool' | 'resource'>;
  private readonly poolAllocated: Gauge<'pool' | 'resource'>;
  private readonly waiting: Gauge;

  constructor(registry: Registry) {
    const registers = [registry];
    this.slots = new Gauge({
      name: 'flotilla_slots',
      help: 'Instance slots per device and state: idle, busy (executing or holding payloads), draining (finishing before it closes), loading, failed',
      labelNames: ['device', 'simulated', 'state'],
      registers,
    });
    this.executors = new Gauge({
      name: 'flotilla_executor_info',
      help: 'One per executor process: its device and execution provider; simulated="true" is a stand-in GPU running on the CPU provider',
      labelNames: ['executor', 'device', 'execution_provider', 'simulated'],
      registers,
    });
    this.stale = new Gauge({
      name: 'flotilla_statistics_stale_executors',
      help: 'Executors that did not answer this scrape in time: their figures are from their last heartbeat, not exact',
      registers,
    });
    this.poolTotal = new Gauge({ name: 'flotilla_rate_limiter_resource_total', help: "Units of a rate limiter resource in a pool (a device index, or global), from --rate-limit-resource and the models' needs", labelNames: ['pool', 'resource'], registers });
    this.poolAllocated = new Gauge({ name: 'flotilla_rate_limiter_resource_allocated', help: 'Units of a rate limiter resource held by executing instances', labelNames: ['pool', 'resource'], registers });
    this.waiting = new Gauge({ name: 'flotilla_rate_limiter_waiting_instances', help: 'Instances waiting for a rate limiter grant (staged)', registers });
  }

  set({ scheduler, executors, statistics, rateLimiter }: MetricsInput): void {
    const simulated = new Map(executors.map((executor) => [executor.executorId, executor.simulated]));
    const slot = (device: string, isSimulated: boolean, state: string) => this.slots.inc({ device, simulated: String(isSimulated), state });
    for (const model of scheduler.models) {
      for (const held of model.slots) slot(held.device, held.simulated, held.draining ? 'draining' : held.busy ? 'busy' : 'idle');
    }
    // The scheduler holds ready slots only; loading and failed ones are known from announcements.
    for (const executor of executors) {
      for (const announced of executor.slots) if (announced.state === 'loading' || announced.state === 'failed') slot(executor.device, simulated.get(executor.executorId) ?? false, announced.state);
      this.executors.set({ executor: executor.executorId, device: executor.device, execution_provider: executor.executionProvider, simulated: String(executor.simulated) }, 1);
    }
    this.stale.set(statistics.stale?.length ?? 0);
    if (!rateLimiter) return;
    for (const pool of rateLimiter.pools) {
      const labels = { pool: String(pool.pool), resource: pool.name };
      this.poolTotal.set(labels, pool.total);
      this.poolAllocated.set(labels, pool.allocated);
    }
    this.waiting.set(rateLimiter.staged.length);
  }
}
