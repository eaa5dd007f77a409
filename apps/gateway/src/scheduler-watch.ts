import { Controller, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { SUBJECTS, unavailable, type SchedulerBeat } from '@flotilla/contracts';
import { HeartbeatTracker, Ownership } from '@flotilla/fleet';
import { InjectBus } from '@flotilla/service-kit';
import { DeadlineTimer, type MessageBus } from '@flotilla/transport';
import { InFlightBySchedulers } from './in-flight-by-schedulers';

/**
 * Which schedulers are alive, from their heartbeats, and so which one owns each model: the
 * gateway sends every request for a model to its owner (rendezvous hashing over the schedulers
 * alive, libs/fleet `Ownership`), so a model's queue lives in one scheduler and each scheduler
 * hears only the releases of what it dispatched.
 *
 * When a scheduler falls silent (killed, or its host gone), the requests this gateway sent it and
 * still waits for are answered at once with a 503 naming the cause — those it held are lost with
 * it, and the gateway cannot tell them from those it had dispatched (a scheduler does not report
 * each dispatch back: that would cost a message per request); an executor's answer that arrives
 * first still wins — and its models go to the schedulers left. When the last one falls silent,
 * everything waiting fails, as before there were several. A scheduler that stops cleanly says so
 * (`leaving`): its models move at once, and nothing of it is failed — it serves its queue first.
 */
@Injectable()
export class SchedulerWatch implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('gateway');
  private readonly tracker = new HeartbeatTracker();
  private readonly ownership = new Ownership();
  private readonly inFlight = new InFlightBySchedulers();
  /** Beating until lately, but NATS found nobody on its subject: not given models, not yet declared dead. */
  private readonly suspected = new Set<string>();
  private readonly silence = new DeadlineTimer((now) => this.expire(now));

  constructor(@InjectBus() private readonly bus: MessageBus) {}

  onApplicationBootstrap(): void {
    // Beats missed while this gateway could hear nobody prove nothing.
    this.bus.link.onChange((state) => {
      if (state !== 'down') return;
      this.tracker.clear();
      this.suspected.clear();
      this.membershipChanged();
      this.silence.stop();
    });
  }

  onApplicationShutdown(): void {
    this.silence.stop();
  }

  /** The scheduler that owns `model` now; undefined while no scheduler is known alive (send to any). */
  ownerOf(model: string): string | undefined {
    return this.ownership.ownerOf(model);
  }

  /** How many schedulers are known alive and reachable (those that own models). */
  get alive(): number {
    return this.ownership.schedulers.length;
  }

  /** The answer to a request sent to `schedulerId`, failed at once with a 503 if that scheduler falls silent first. */
  track<T>(schedulerId: string | undefined, answer: Promise<T>): Promise<T> {
    return schedulerId === undefined ? answer : this.inFlight.track(schedulerId, answer);
  }

  /**
   * Nothing listens on the scheduler's subject (NATS said so: no responders) though it has not
   * said goodbye: it died, whatever its last beat said. Its models move now, so a request it never
   * received goes to the next owner at once; what it was sent before stays tracked until its beats
   * run out (expire), which leaves executors that time to answer what it had dispatched. One that
   * is alive after all beats again and takes its models back.
   */
  unreachable(schedulerId: string): void {
    if (this.suspected.has(schedulerId) || !this.ownership.schedulers.includes(schedulerId)) return;
    this.suspected.add(schedulerId);
    this.logger.warn(`scheduler ${schedulerId} takes no requests (no responders): its models go to the other schedulers`);
    this.membershipChanged();
  }

  beat({ schedulerId, heartbeatMs }: SchedulerBeat): void {
    if (this.tracker.beat(schedulerId, heartbeatMs, Date.now()) || this.suspected.delete(schedulerId)) {
      this.logger.log(`scheduler ${schedulerId} is alive`);
      this.membershipChanged();
    }
    this.silence.resetTo(this.tracker.nextExpiry());
  }

  left({ schedulerId }: SchedulerBeat): void {
    // It serves its queue before going: nothing to fail here, only its models to move.
    this.suspected.delete(schedulerId);
    if (this.tracker.leave(schedulerId)) {
      this.logger.log(`scheduler ${schedulerId} is stopping: its models go to the other schedulers`);
      this.membershipChanged();
    }
    this.silence.resetTo(this.tracker.nextExpiry());
  }

  /** Owners are chosen among the schedulers that beat and are not known to hear nothing. */
  private membershipChanged(): void {
    this.ownership.setMembers([...this.tracker.ids()].filter((id) => !this.suspected.has(id)));
  }

  private expire(now: number): number | undefined {
    const dead = this.tracker.expire(now);
    if (dead.length === 0) return this.tracker.nextExpiry();
    for (const schedulerId of dead) this.suspected.delete(schedulerId);
    this.membershipChanged();
    let failed = 0;
    for (const schedulerId of dead) {
      failed += this.inFlight.fail(schedulerId, unavailable(`the scheduler stopped responding (scheduler ${schedulerId}: no heartbeat for three beats): the request may have been lost with it; retry it`));
    }
    // The last one gone: whatever was sent to any scheduler (before any was known) waits in vain too.
    if (this.tracker.alive === 0) failed += this.bus.failWaiting(unavailable(`the scheduler stopped responding (no heartbeat for three beats): the request may have been lost with it; retry it`));
    this.logger.warn(`scheduler ${dead.join(', ')} stopped responding${failed ? `: answered the ${failed} request(s) waiting here with 503` : ''}${this.tracker.alive ? '; its models go to the other schedulers' : ''}`);
    return this.tracker.nextExpiry();
  }
}

/** The schedulers' heartbeats and goodbyes, into the SchedulerWatch. */
@Controller()
export class SchedulerWatchController {
  constructor(private readonly watch: SchedulerWatch) {}

  @EventPattern(SUBJECTS.schedulerHeartbeat)
  beat(@Payload() beat: SchedulerBeat): void {
    this.watch.beat(beat);
  }

  @EventPattern(SUBJECTS.schedulerLeaving)
  left(@Payload() beat: SchedulerBeat): void {
    this.watch.left(beat);
  }
}
