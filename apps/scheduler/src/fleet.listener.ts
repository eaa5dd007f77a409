import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SUBJECTS, type ExecutorAnnouncement, type ExecutorLeaving, type SlotAnnouncement, type SlotReleased } from '@flotilla/contracts';
import type { SlotChanges } from '@flotilla/fleet';
import { decodeJson, type MessageBus } from '@flotilla/transport';
import { InjectBus } from '@flotilla/service-kit';
import { SchedulerState } from './scheduler.state';

/**
 * How often executors that stopped sending heartbeats are looked for. They are declared dead after
 * three missed 500 ms heartbeats, so a quarter second late is fine; queue deadlines have a timer
 * of their own (SchedulerState).
 */
const SWEEP_MS = 250;

/**
 * Turns executor broadcasts into slot changes: announcements add slots, releases free them,
 * departures and missed heartbeats remove them (failing whatever they were running).
 */
@Injectable()
export class FleetListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('fleet');
  private sweeper?: NodeJS.Timeout;

  constructor(
    @InjectBus() private readonly bus: MessageBus,
    private readonly state: SchedulerState,
  ) {}

  onApplicationBootstrap(): void {
    this.bus.subscribe(SUBJECTS.executorHeartbeat, (message) => {
      const announcement = decodeJson<ExecutorAnnouncement>(message.data);
      this.apply(announcement.executorId, announcement, this.state.fleet.announce(announcement, Date.now()), 'slot is no longer ready');
    });
    this.bus.subscribe(SUBJECTS.executorLeaving, (message) => {
      const { executorId } = decodeJson<ExecutorLeaving>(message.data);
      this.apply(executorId, this.state.fleet.get(executorId), this.state.fleet.leave(executorId), `executor ${executorId} shut down`);
    });
    this.bus.subscribe(SUBJECTS.slotReleased, (message) => {
      const { slotId, count } = decodeJson<SlotReleased>(message.data);
      this.state.scheduler.release(slotId, count ?? 1);
    });
    this.sweeper = setInterval(() => this.sweep(), SWEEP_MS);
  }

  onApplicationShutdown(): void {
    clearInterval(this.sweeper);
  }

  private sweep(): void {
    const now = Date.now();
    for (const { executorId, changes } of this.state.fleet.expire(now)) {
      this.logger.warn(`executor ${executorId} missed its heartbeats: removing ${changes.gone.length} slot(s)`);
      this.apply(executorId, undefined, changes, `executor ${executorId} stopped responding`);
    }
  }

  private apply(executorId: string, executor: ExecutorAnnouncement | undefined, changes: SlotChanges, reason: string): void {
    for (const slot of changes.draining) this.state.scheduler.drainSlot(slot.slotId, `executor ${executorId} is stopping`);
    for (const slot of changes.gone) {
      this.state.retire(slot);
      this.state.scheduler.removeSlot(slot.slotId, slotReason(slot, reason));
    }
    for (const slot of changes.ready) {
      this.state.scheduler.addSlot(slot.model, slot.version, {
        slotId: slot.slotId,
        subject: slot.subject,
        executorId,
        instance: slot.instance,
        device: executor?.device ?? 'cpu',
        simulated: executor?.simulated ?? false,
      });
    }
    if (changes.ready.length || changes.gone.length || changes.draining.length) {
      const draining = changes.draining.length ? `, ${changes.draining.length} draining` : '';
      this.logger.log(`executor ${executorId}: +${changes.ready.length} / -${changes.gone.length} slot(s)${draining}`);
    }
  }
}

const slotReason = (slot: SlotAnnouncement, fallback: string) => (slot.state === 'failed' && slot.error ? slot.error : fallback);
