import { Inject, Injectable, Logger, Optional, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SUBJECTS, type ExecutorAnnouncement, type ExecutorBeat, type FleetResync } from '@flotilla/contracts';
import { ExecutorRegistry, type SlotChanges } from '@flotilla/fleet';
import { DeadlineTimer, type MessageBus } from '@flotilla/transport';
import { ControlPlaneClient } from '../control-plane/control-plane.client';
import { ControlPlaneListening } from '../control-plane/control-plane-listening';
import { InjectBus } from '../control-plane/control-plane.module';

/**
 * Provide `true` in a service that acts on executors dying (the scheduler fails their payloads) and
 * register FleetLivenessController beside FleetController there. Elsewhere the view holds the
 * fleet's membership only — announcements and departures — and no beat ever wakes the process.
 */
export const FLEET_LIVENESS = Symbol('FleetLiveness');

/**
 * How a change to the fleet came about. `unheard`: this process lost its own link to NATS, so it
 * forgets the fleet until executors announce themselves again.
 */
export type FleetChangeCause = 'announced' | 'left' | 'silent' | 'unheard';

export interface FleetChange {
  readonly executorId: string;
  /** The executor's announcement when it announced; undefined once it left or fell silent. */
  readonly executor?: ExecutorAnnouncement;
  readonly changes: SlotChanges;
  readonly cause: FleetChangeCause;
  /**
   * When it left, fell silent, or another process took its id: the gone process's last
   * announcement, with the statistics its beats brought since.
   */
  readonly departed?: ExecutorAnnouncement;
}

/**
 * This process's one view of the fleet: every executor's last announcement (with the statistics
 * its beats brought since), fed by FleetController (and FleetLivenessController where liveness
 * matters). Whoever needs the fleet reads it here or listens to its changes; nobody else decodes
 * executor messages.
 *
 * Liveness costs wake-ups: every beat wakes every process that hears it, ~2 ms of CPU each on a
 * small VM (docs/benchmarks.md, "Idle CPU"). So only services that act on a death hear beats; the
 * others (the gateway, whose tensor-path choice falls back to frames safely; the model
 * repository, whose GPU list only grows) keep membership from announcements and departures.
 *
 * An executor announces its slots only when they change and beats in between. At start the view
 * asks every executor to announce (`fleetResync`); a beat from an executor it does not know at
 * that revision (an announcement was lost) makes it ask that executor again — at most once per
 * beat period. An executor silent for three beats is gone: one timer, armed for the earliest such
 * deadline and moved on every beat, finds it: while executors are alive neither a sweep nor the
 * timer itself wakes an idle process.
 *
 * While this process's own link to NATS is down it can neither reach the fleet nor hear it, and
 * whatever was on the way (payloads, releases, grants, announcements) may be lost. So it forgets
 * the fleet at once (cause `unheard`): listeners drop every slot, with its in-flight bookkeeping,
 * and rebuild from the announcements that follow the reconnect — it asks the whole fleet then,
 * and each executor announces itself when its own link is back. Nothing stale survives an outage.
 */
@Injectable()
export class FleetView implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('fleet');
  private readonly registry = new ExecutorRegistry();
  private readonly listeners: ((change: FleetChange) => void)[] = [];
  private readonly beatListeners: ((beat: ExecutorBeat) => void)[] = [];
  private readonly silence = new DeadlineTimer((now) => this.expire(now));
  /** When each executor was last asked to announce itself, so that a run of beats asks once. */
  private readonly askedAt = new Map<string, number>();

  constructor(
    private readonly control: ControlPlaneClient,
    private readonly listening: ControlPlaneListening,
    @InjectBus() private readonly bus: MessageBus,
    @Optional() @Inject(FLEET_LIVENESS) private readonly liveness: boolean = false,
  ) {}

  /** Executors that announced before this process started tell it now (once it hears their answers). */
  onApplicationBootstrap(): void {
    void this.listening.subscribed.then(() => this.ask({}, 'the whole fleet'));
    this.bus.link.onChange((state) => {
      if (state === 'down') this.forgetFleet();
      else if (state === 'up') this.ask({}, 'the whole fleet');
    });
  }

  /** Calls `listener` on every change; the function returned stops that. */
  onChange(listener: (change: FleetChange) => void): () => void {
    this.listeners.push(listener);
    return () => {
      const at = this.listeners.indexOf(listener);
      if (at >= 0) this.listeners.splice(at, 1);
    };
  }

  /** Called with every beat at the revision held here, once its statistics are in the view. */
  onBeat(listener: (beat: ExecutorBeat) => void): void {
    this.beatListeners.push(listener);
  }

  executors(): ExecutorAnnouncement[] {
    return this.registry.all();
  }

  get(executorId: string): ExecutorAnnouncement | undefined {
    return this.registry.get(executorId);
  }

  announced(announcement: ExecutorAnnouncement): void {
    const { replaced, ...changes } = this.registry.announce(announcement, Date.now());
    this.askedAt.delete(announcement.executorId);
    this.watchSilence();
    this.notify({ executorId: announcement.executorId, executor: announcement, changes, cause: 'announced', ...(replaced ? { departed: replaced } : {}) });
  }

  beat(beat: ExecutorBeat): void {
    const now = Date.now();
    const outcome = this.registry.beat(beat, now);
    this.watchSilence();
    if (outcome === 'current') {
      for (const listener of this.beatListeners) listener(beat);
      return;
    }
    if (now - (this.askedAt.get(beat.executorId) ?? -Infinity) < beat.heartbeatMs) return;
    this.askedAt.set(beat.executorId, now);
    this.logger.debug(`executor ${beat.executorId} is at revision ${beat.revision}, which this view has not seen: asking it to announce`);
    this.ask({ executorId: beat.executorId }, beat.executorId);
  }

  left(executorId: string): void {
    this.askedAt.delete(executorId);
    const { last, ...changes } = this.registry.leave(executorId);
    this.notify({ executorId, changes, cause: 'left', ...(last ? { departed: last } : {}) });
  }

  onApplicationShutdown(): void {
    this.silence.stop();
  }

  private forgetFleet(): void {
    this.silence.stop();
    this.askedAt.clear();
    const executors = this.registry.all().map((executor) => executor.executorId);
    if (executors.length) this.logger.warn(`lost the link to NATS: forgetting ${executors.length} executor(s) until they announce again`);
    for (const executorId of executors) this.notify({ executorId, changes: this.registry.leave(executorId), cause: 'unheard' });
  }

  private ask(resync: FleetResync, whom: string): void {
    this.control.emitEvent(SUBJECTS.fleetResync, resync).catch((error: Error) => this.logger.warn(`could not ask ${whom} to announce: ${error.message}`));
  }

  /** Arms the silence timer for the earliest deadline now, while awake anyway: beats push it back, so it fires only when one is missed. */
  private watchSilence(): void {
    if (this.liveness) this.silence.resetTo(this.registry.nextExpiry());
  }

  /** Removes every executor silent for too long; returns when to look again. */
  private expire(now: number): number | undefined {
    for (const { executorId, changes, last } of this.registry.expire(now)) {
      this.logger.warn(`executor ${executorId} missed its heartbeats: removing ${changes.gone.length} slot(s)`);
      this.notify({ executorId, changes, cause: 'silent', ...(last ? { departed: last } : {}) });
    }
    return this.registry.nextExpiry();
  }

  private notify(change: FleetChange): void {
    for (const listener of this.listeners) listener(change);
  }
}
