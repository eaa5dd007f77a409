import { Injectable, Logger } from '@nestjs/common';
import { SUBJECTS, type SchedulerStatus } from '@flotilla/contracts';
import { mergeSchedulerStatus } from '@flotilla/execution';
import { ControlPlaneClient } from '@flotilla/service-kit';

/** How long an unload waits for the requests already queued or running before it goes on. */
export const UNLOAD_WAIT_MS = 60_000;
const POLL_MS = 50;

/**
 * Asks the scheduler until it holds nothing for a model — no queued request, no busy instance —
 * so an unload lets the requests it accepted finish before the instances go (Triton finishes
 * in-flight requests on unload). Bounded: after UNLOAD_WAIT_MS it goes on, saying so.
 */
@Injectable()
export class SchedulerIdle {
  private readonly logger = new Logger('repository');

  constructor(private readonly control: ControlPlaneClient) {}

  /** `versions`: only these versions of the model (a reload dropping old ones); all by default. */
  async wait(model: string, versions?: readonly number[], timeoutMs = UNLOAD_WAIT_MS): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      try {
        // Every scheduler holds its own queues: all of them must hold nothing.
        const status = mergeSchedulerStatus(await this.control.requestAll<SchedulerStatus>(SUBJECTS.schedulerStatus));
        const held = status.models.filter((m) => m.name === model && (!versions || versions.includes(m.version))).reduce((sum, m) => sum + m.queued + m.slots.filter((slot) => slot.busy).length, 0);
        if (held === 0) return;
      } catch (error) {
        // No scheduler: nothing is queued anywhere that could be lost.
        this.logger.warn(`unloading '${model}': the scheduler did not answer (${(error as Error).message}); going on`);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    this.logger.warn(`unloading '${model}': requests still held after ${timeoutMs / 1000} s; its instances finish what they hold as they close`);
  }
}
