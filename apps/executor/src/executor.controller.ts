import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { SUBJECTS, type FleetResync, type StatisticsFlush } from '@flotilla/contracts';
import { Announcer } from './announcer';
import { EXECUTOR_OPTIONS, type ExecutorOptions } from './executor.options';

/**
 * The control messages an executor answers: a fleet view that missed its state asks for it again,
 * and a statistics reader asks for a beat with the figures as they are now.
 */
@Controller()
export class ExecutorController {
  constructor(
    private readonly announcer: Announcer,
    @Inject(EXECUTOR_OPTIONS) private readonly options: ExecutorOptions,
  ) {}

  @EventPattern(SUBJECTS.fleetResync)
  resync(@Payload() { executorId }: FleetResync): void {
    if (executorId === undefined || executorId === this.options.executorId) this.announcer.announce();
  }

  @EventPattern(SUBJECTS.statisticsFlush)
  flush(@Payload() { token }: StatisticsFlush): void {
    this.announcer.flush(token);
  }
}
