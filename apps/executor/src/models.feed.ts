import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { MessageBus } from '@flotilla/transport';
import { followRepository, InjectBus } from '@flotilla/service-kit';
import { SlotTable } from './slot-table';

/** Follows the model repository and keeps this executor's slots matching the loaded models. */
@Injectable()
export class ModelsFeed implements OnApplicationBootstrap {
  constructor(
    @InjectBus() private readonly bus: MessageBus,
    private readonly slots: SlotTable,
  ) {}

  onApplicationBootstrap(): void {
    followRepository(this.bus, new Logger('models'), (models) => this.slots.sync(models));
  }
}
