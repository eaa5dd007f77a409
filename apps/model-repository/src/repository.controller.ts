import { Controller } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { QUEUE_GROUPS, SUBJECTS, type RepositorySnapshot } from '@flotilla/contracts';
import { RepositoryService } from './repository.service';

/** The repository's questions, answered by one replica of this service (queue group). */
@Controller()
export class RepositoryController {
  constructor(private readonly repository: RepositoryService) {}

  @MessagePattern(SUBJECTS.repositoryIndex, { queue: QUEUE_GROUPS.modelRepository })
  index(): Promise<RepositorySnapshot> {
    return this.repository.snapshot();
  }
}
