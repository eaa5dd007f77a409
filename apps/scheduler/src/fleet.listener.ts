import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { SlotAnnouncement } from '@flotilla/contracts';
import { needsResources } from '@flotilla/rate-limiting';
import { FleetView, type FleetChange } from '@flotilla/service-kit';
import { SchedulerState } from './scheduler.state';

const REASONS: Record<FleetChange['cause'], (executorId: string) => string> = {
  announced: () => 'slot is no longer ready',
  left: (executorId) => `executor ${executorId} shut down`,
  silent: (executorId) => `executor ${executorId} stopped responding`,
  unheard: () => 'the scheduler lost its link to NATS',
};

/**
 * Turns changes to the fleet into slot changes for the scheduler: announced slots join, draining
 * ones take no new payloads, and slots that are gone (their executor left, fell silent, or
 * announced them failed or removed) fail whatever they were running.
 */
@Injectable()
export class FleetListener implements OnApplicationBootstrap {
  private readonly logger = new Logger('fleet');

  constructor(
    private readonly fleet: FleetView,
    private readonly state: SchedulerState,
  ) {}

  onApplicationBootstrap(): void {
    this.fleet.onChange((change) => this.apply(change));
  }

  private apply({ executorId, executor, changes, cause, departed }: FleetChange): void {
    const reason = REASONS[cause](executorId);
    if (departed) this.state.executorDeparted(departed);
    for (const slot of changes.draining) this.state.scheduler.drainSlot(slot.slotId, `executor ${executorId} is stopping`);
    for (const slot of changes.gone) {
      const relinked = changes.relinked?.includes(slot.slotId);
      this.state.scheduler.removeSlot(slot.slotId, relinked ? `its link to NATS dropped (executor ${executorId}): the request may have been lost` : slotReason(slot, reason));
    }
    for (const slot of changes.ready) {
      this.state.scheduler.addSlot(slot.model, slot.version, {
        slotId: slot.slotId,
        subject: slot.subject,
        executorId,
        instance: slot.instance,
        device: executor?.device ?? 'cpu',
        host: executor?.host ?? 'unknown',
        simulated: executor?.simulated ?? false,
        needsResources: needsResources(slot.rateLimiter.resources),
      });
    }
    if (changes.ready.length || changes.gone.length || changes.draining.length) {
      const draining = changes.draining.length ? `, ${changes.draining.length} draining` : '';
      this.logger.log(`executor ${executorId}: +${changes.ready.length} / -${changes.gone.length} slot(s)${draining}`);
    }
  }
}

const slotReason = (slot: SlotAnnouncement, fallback: string) => (slot.state === 'failed' && slot.error ? slot.error : fallback);
