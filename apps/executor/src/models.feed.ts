import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { ModelRecords } from '@flotilla/service-kit';
import { SlotTable } from './slot-table';

/** Keeps this executor's slots matching the models the repository has loaded. */
@Injectable()
export class ModelsFeed implements OnApplicationBootstrap {
  constructor(
    private readonly records: ModelRecords,
    private readonly slots: SlotTable,
  ) {}

  onApplicationBootstrap(): void {
    this.records.onChange((models) => this.slots.sync(models));
  }
}
