import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { SUBJECTS, type SchedulerBeat } from '@flotilla/contracts';
import { ControlPlaneClient, ModelRecords } from '@flotilla/service-kit';
import { SCHEDULER_OPTIONS, type SchedulerServiceOptions } from './scheduler.state';

/**
 * How often a scheduler says it is alive; gateways take three missed beats (1.5 s) for its death
 * and move its models to the others, inside the 2 s a dead scheduler's models may go unserved. A
 * beat is a few dozen bytes that wakes each gateway twice a second per scheduler: on an idle
 * deployment, well under 0.1 % of a core (docs/deployment.md).
 */
export const SCHEDULER_HEARTBEAT_MS = 500;

/**
 * How long after it has the models' records a new scheduler waits before it beats, i.e. before
 * gateways give it models: the executors' announcements its fleet view asked for at start arrive
 * within milliseconds, and a scheduler given a model before it knows the model's slots would
 * answer "no ready instance".
 */
const FLEET_SETTLE_MS = 300;

/**
 * Tells the gateways this scheduler is alive: they route each model to its owner among the
 * schedulers alive (libs/fleet `ownerOf`), so beating is what makes it own models — it starts
 * once it can serve them (`start`). When it dies without a word (SIGKILL, a crash) the gateways
 * answer the requests they sent it with a 503 within three beats instead of at their deadline,
 * and send its models to the others. On a clean stop it says goodbye first (`leave`), so its
 * models move at once while it serves what it already has.
 */
@Injectable()
export class SchedulerHeartbeat implements OnApplicationShutdown {
  private readonly logger = new Logger('scheduler');
  private timer?: NodeJS.Timeout;
  private settle?: NodeJS.Timeout;
  private left = false;

  constructor(
    private readonly control: ControlPlaneClient,
    private readonly records: ModelRecords,
    @Inject(SCHEDULER_OPTIONS) private readonly options: SchedulerServiceOptions,
  ) {}

  /** Starts beating once the models' records are in and the fleet has had time to announce. Call once subscribed to its own subject. */
  start(): void {
    let started = false;
    this.records.onChange(() => {
      if (started || this.left) return;
      started = true;
      this.settle = setTimeout(() => {
        this.logger.log(`scheduler ${this.options.schedulerId}: serving the models gateways route to it (${SUBJECTS.inferAt(this.options.schedulerId)})`);
        this.timer = setInterval(() => void this.send(SUBJECTS.schedulerHeartbeat), SCHEDULER_HEARTBEAT_MS);
        void this.send(SUBJECTS.schedulerHeartbeat);
      }, FLEET_SETTLE_MS);
    });
  }

  /** Stops beating and says goodbye: gateways send its models elsewhere from now on. */
  async leave(): Promise<void> {
    if (this.left) return;
    this.left = true;
    clearTimeout(this.settle);
    clearInterval(this.timer);
    await this.send(SUBJECTS.schedulerLeaving);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.leave();
  }

  private send(subject: string): Promise<void> {
    const beat: SchedulerBeat = { schedulerId: this.options.schedulerId, heartbeatMs: SCHEDULER_HEARTBEAT_MS };
    return this.control.emitEvent(subject, beat).catch((error: Error) => this.logger.debug?.(`could not publish on ${subject}: ${error.message}`));
  }
}
