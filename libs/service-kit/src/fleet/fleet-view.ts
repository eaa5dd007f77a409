import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { SUBJECTS, type ExecutorAnnouncement, type ExecutorBeat, type FleetResync } from '@flotilla/contracts';
import { ExecutorRegistry, type SlotChanges } from '@flotilla/fleet';
import { DeadlineTimer } from '@flotilla/transport';
import { ControlPlaneClient } from '../control-plane/control-plane.client';

/** How a change to the fleet came about. */
export type FleetChangeCause = 'announced' | 'left' | 'silent';

export interface FleetChange {
  readonly executorId: string;
  /** The executor's announcement when it announced; undefined once it left or fell silent. */
  readonly executor?: ExecutorAnnouncement;
  readonly changes: SlotChanges;
  readonly cause: FleetChangeCause;
}

/**
 * This process's one view of the fleet: every executor's last announcement (with the statistics
 * its beats brought since), fed by FleetController. Whoever needs the fleet reads it here or
 * listens to its changes; nobody else decodes executor messages.
 *
 * An executor announces its slots only when they change and beats in between. A beat from an
 * executor this view does not know at that revision (this process started later, or an
 * announcement was lost) makes it ask that executor to announce again — at most once per beat
 * period. An executor silent for three beats is gone: one timer, armed for the earliest such
 * deadline and moved on every beat, finds it: while executors are alive neither a sweep nor the
 * timer itself wakes an idle process.
 */
@Injectable()
export class FleetView implements OnApplicationShutdown {
  private readonly logger = new Logger('fleet');
  private readonly registry = new ExecutorRegistry();
  private readonly listeners: ((change: FleetChange) => void)[] = [];
  private readonly silence = new DeadlineTimer((now) => this.expire(now));
  /** When each executor was last asked to announce itself, so that a run of beats asks once. */
  private readonly askedAt = new Map<string, number>();

  constructor(private readonly control: ControlPlaneClient) {}

  onChange(listener: (change: FleetChange) => void): void {
    this.listeners.push(listener);
  }

  executors(): ExecutorAnnouncement[] {
    return this.registry.all();
  }

  get(executorId: string): ExecutorAnnouncement | undefined {
    return this.registry.get(executorId);
  }

  announced(announcement: ExecutorAnnouncement): void {
    const changes = this.registry.announce(announcement, Date.now());
    this.askedAt.delete(announcement.executorId);
    this.watchSilence();
    this.notify({ executorId: announcement.executorId, executor: announcement, changes, cause: 'announced' });
  }

  beat(beat: ExecutorBeat): void {
    const now = Date.now();
    const outcome = this.registry.beat(beat, now);
    this.watchSilence();
    if (outcome === 'current') return;
    if (now - (this.askedAt.get(beat.executorId) ?? -Infinity) < beat.heartbeatMs) return;
    this.askedAt.set(beat.executorId, now);
    this.logger.debug(`executor ${beat.executorId} is at revision ${beat.revision}, which this view has not seen: asking it to announce`);
    this.control.emitEvent(SUBJECTS.fleetResync, { executorId: beat.executorId } satisfies FleetResync).catch((error: Error) => this.logger.warn(`could not ask ${beat.executorId} to announce: ${error.message}`));
  }

  left(executorId: string): void {
    this.askedAt.delete(executorId);
    this.notify({ executorId, changes: this.registry.leave(executorId), cause: 'left' });
  }

  onApplicationShutdown(): void {
    this.silence.stop();
  }

  /** Arms the silence timer for the earliest deadline now, while awake anyway: beats push it back, so it fires only when one is missed. */
  private watchSilence(): void {
    this.silence.resetTo(this.registry.nextExpiry());
  }

  /** Removes every executor silent for too long; returns when to look again. */
  private expire(now: number): number | undefined {
    for (const { executorId, changes } of this.registry.expire(now)) {
      this.logger.warn(`executor ${executorId} missed its heartbeats: removing ${changes.gone.length} slot(s)`);
      this.notify({ executorId, changes, cause: 'silent' });
    }
    return this.registry.nextExpiry();
  }

  private notify(change: FleetChange): void {
    for (const listener of this.listeners) listener(change);
  }
}
