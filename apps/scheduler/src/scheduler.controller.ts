import { Controller, Inject, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { SUBJECTS, type RateLimiterHoldings, type SchedulerStatus, type StatisticsSnapshot } from '@flotilla/contracts';
import { ControlPlaneClient, InjectBus } from '@flotilla/service-kit';
import type { MessageBus } from '@flotilla/transport';
import { SCHEDULER_OPTIONS, SchedulerState, type SchedulerServiceOptions } from './scheduler.state';
import { StatisticsReader } from './statistics-reader';
import { parkedStage } from './bus-grant-gate';

/**
 * What the scheduler tells the gateway: which model versions can execute, on which slots, and the
 * statistics those slots reported. Every scheduler answers (no queue group): with replicas, the
 * first answer wins, and each has the same fleet view.
 */
@Controller()
export class SchedulerController implements OnApplicationBootstrap {
  private readonly logger = new Logger('scheduler');

  constructor(
    private readonly state: SchedulerState,
    private readonly statisticsReader: StatisticsReader,
    private readonly control: ControlPlaneClient,
    @Inject(SCHEDULER_OPTIONS) private readonly options: SchedulerServiceOptions,
    @InjectBus() private readonly bus: MessageBus,
  ) {}

  /**
   * Back on the bus after an outage, this scheduler holds nothing (it forgot the fleet) and the
   * rate limiter, which forgot too, may have asked while this one could not hear: it says so
   * unasked, so that the rate limiter need not wait out its settling time.
   */
  onApplicationBootstrap(): void {
    this.bus.link.onChange((state) => state === 'up' && void this.reportHoldings('back on the bus'));
  }

  /** A (re)started rate limiter holds nothing: tell it what runs on its grants and what waits for one. */
  @EventPattern(SUBJECTS.rateLimiterStarted)
  async rateLimiterStarted(@Payload() _event: object): Promise<void> {
    await this.reportHoldings('rate limiter (re)started');
  }

  private async reportHoldings(why: string): Promise<void> {
    if (!this.options.rateLimited) return;
    const { executing, staged, parked } = this.state.scheduler.rateLimiterRestarted();
    this.logger.log(`${why}: reporting ${executing.length} executing, ${staged.length} staged and ${parked.length} parked slot(s) to the rate limiter`);
    const holdings: RateLimiterHoldings = { schedulerId: this.options.schedulerId, executing, staged, parked: parked.map(parkedStage) };
    await this.control.emitEvent(SUBJECTS.rateLimiterHoldings, holdings);
  }

  @MessagePattern(SUBJECTS.schedulerStatus)
  status(): SchedulerStatus {
    return this.state.status();
  }

  /** Exact as of this request: every executor is asked for its figures first (StatisticsReader). */
  @MessagePattern(SUBJECTS.schedulerStatistics)
  statistics(): Promise<StatisticsSnapshot> {
    return this.statisticsReader.read();
  }
}
