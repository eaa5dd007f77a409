import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SUBJECTS, type SchedulerBeat } from '@flotilla/contracts';
import { ControlPlaneClient } from '@flotilla/service-kit';
import { SCHEDULER_OPTIONS, type SchedulerServiceOptions } from './scheduler.state';

/** How often a scheduler says it is alive; gateways take three missed beats for its death. */
export const SCHEDULER_HEARTBEAT_MS = 1000;

/**
 * Tells the gateways this scheduler is alive, so that when it dies without a word (SIGKILL, a
 * crash) they answer the requests they sent it with a 503 within the heartbeat window instead of
 * at their deadline. On a clean stop it says goodbye instead, after answering its queue.
 */
@Injectable()
export class SchedulerHeartbeat implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('scheduler');
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly control: ControlPlaneClient,
    @Inject(SCHEDULER_OPTIONS) private readonly options: SchedulerServiceOptions,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.send(SUBJECTS.schedulerHeartbeat), SCHEDULER_HEARTBEAT_MS);
    this.send(SUBJECTS.schedulerHeartbeat);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.send(SUBJECTS.schedulerLeaving);
  }

  private send(subject: string): Promise<void> {
    const beat: SchedulerBeat = { schedulerId: this.options.schedulerId, heartbeatMs: SCHEDULER_HEARTBEAT_MS };
    return this.control.emitEvent(subject, beat).catch((error: Error) => this.logger.debug?.(`could not publish on ${subject}: ${error.message}`));
  }
}
