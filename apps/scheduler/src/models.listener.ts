import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { MessageBus } from '@flotilla/transport';
import { followRepository, InjectBus } from '@flotilla/service-kit';
import { SchedulerState } from './scheduler.state';

/** Keeps the scheduler's model table in step with the model repository. */
@Injectable()
export class ModelsListener implements OnApplicationBootstrap {
  constructor(
    @InjectBus() private readonly bus: MessageBus,
    private readonly state: SchedulerState,
  ) {}

  onApplicationBootstrap(): void {
    followRepository(this.bus, new Logger('models'), (models) => this.state.models.replaceAll(models));
  }
}
