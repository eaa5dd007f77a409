import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { SUBJECTS, type FleetResync } from '@flotilla/contracts';
import { Announcer } from './announcer';
import { EXECUTOR_OPTIONS, type ExecutorOptions } from './executor.options';

/** The control messages an executor answers: a fleet view that missed its state asks for it again. */
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
}
