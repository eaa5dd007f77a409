import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { ModelConfig } from '@flotilla/model-config';
import { schedulingPolicyOf } from '@flotilla/scheduling';
import { ModelRecords } from '@flotilla/service-kit';
import { SchedulerState } from './scheduler.state';

/**
 * Keeps the scheduler's model table in step with the model repository, and each model's queueing
 * and batching policy with its config (`dynamic_batching`).
 */
@Injectable()
export class ModelsListener implements OnApplicationBootstrap {
  constructor(
    private readonly records: ModelRecords,
    private readonly state: SchedulerState,
  ) {}

  onApplicationBootstrap(): void {
    this.records.onChange((models) => {
      this.state.models.replaceAll(models);
      for (const model of models) {
        // The repository sends the normalised, validated config; a model without one cannot run.
        if (model.config) this.state.scheduler.setPolicy(model.name, schedulingPolicyOf(model.config as unknown as ModelConfig));
      }
    });
  }
}
