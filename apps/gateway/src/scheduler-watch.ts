import { Controller, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { SUBJECTS, unavailable, type SchedulerBeat } from '@flotilla/contracts';
import { HeartbeatTracker } from '@flotilla/fleet';
import { InjectBus } from '@flotilla/service-kit';
import { DeadlineTimer, type MessageBus } from '@flotilla/transport';

/**
 * Which schedulers are alive, from their heartbeats. When the last one falls silent (killed, or
 * its host gone) every inference this gateway is waiting on fails at once with a 503 naming the
 * cause: the requests it held are lost with it, and nothing else would answer them before their
 * deadline. Requests it had already sent to executors are failed too — their answers may still
 * come, but the gateway cannot tell them from the lost ones (a scheduler does not report each
 * dispatch back: that would cost a message per request). With several schedulers, NATS spreads
 * requests among them and the gateway cannot tell whose a request was, so it fails nothing while
 * one is left; those requests end at their deadline (see docs/resilience.md).
 */
@Injectable()
export class SchedulerWatch implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('gateway');
  private readonly tracker = new HeartbeatTracker();
  private readonly silence = new DeadlineTimer((now) => this.expire(now));

  constructor(@InjectBus() private readonly bus: MessageBus) {}

  onApplicationBootstrap(): void {
    // Beats missed while this gateway could hear nothing prove nothing.
    this.bus.link.onChange((state) => {
      if (state !== 'down') return;
      this.tracker.clear();
      this.silence.stop();
    });
  }

  onApplicationShutdown(): void {
    this.silence.stop();
  }

  beat({ schedulerId, heartbeatMs }: SchedulerBeat): void {
    if (this.tracker.beat(schedulerId, heartbeatMs, Date.now())) this.logger.debug?.(`scheduler ${schedulerId} is alive`);
    this.silence.resetTo(this.tracker.nextExpiry());
  }

  left({ schedulerId }: SchedulerBeat): void {
    // It answered its queue before going: nothing to fail here.
    this.tracker.leave(schedulerId);
    this.silence.resetTo(this.tracker.nextExpiry());
  }

  private expire(now: number): number | undefined {
    const dead = this.tracker.expire(now);
    if (dead.length === 0) return this.tracker.nextExpiry();
    const failed = this.tracker.alive === 0 ? this.bus.failWaiting(unavailable(`the scheduler stopped responding (no heartbeat for 3 s): the request may have been lost with it; retry it`)) : 0;
    this.logger.warn(`scheduler ${dead.join(', ')} stopped responding${failed ? `: answered the ${failed} request(s) waiting here with 503` : ''}`);
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
