import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { SUBJECTS, type ModelLifecycleEvent } from '@flotilla/contracts';
import { ModelRecords } from './model-records';

/** The model repository's lifecycle events, into this process's ModelRecords. */
@Controller()
export class RepositoryEventsController {
  constructor(private readonly records: ModelRecords) {}

  @EventPattern(SUBJECTS.repositoryEvents)
  modelChanged(@Payload() event: ModelLifecycleEvent): void {
    this.records.apply(event);
  }
}
