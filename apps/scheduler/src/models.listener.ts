import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { ModelRecords } from '@flotilla/service-kit';
import { SchedulerState } from './scheduler.state';

/** Keeps the scheduler's model table in step with the model repository. */
@Injectable()
export class ModelsListener implements OnApplicationBootstrap {
  constructor(
    private readonly records: ModelRecords,
    private readonly state: SchedulerState,
  ) {}

  onApplicationBootstrap(): void {
    this.records.onChange((models) => this.state.models.replaceAll(models));
  }
}
