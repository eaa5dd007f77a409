import { Controller } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { SUBJECTS, type SchedulerStatus, type StatisticsSnapshot } from '@flotilla/contracts';
import { SchedulerState } from './scheduler.state';

/**
 * What the scheduler tells the gateway: which model versions can execute, on which slots, and the
 * statistics those slots reported. Every scheduler answers (no queue group): with replicas, the
 * first answer wins, and each has the same fleet view.
 */
@Controller()
export class SchedulerController {
  constructor(private readonly state: SchedulerState) {}

  @MessagePattern(SUBJECTS.schedulerStatus)
  status(): SchedulerStatus {
    return this.state.status();
  }

  @MessagePattern(SUBJECTS.schedulerStatistics)
  statistics(): StatisticsSnapshot {
    return this.state.statistics();
  }
}
