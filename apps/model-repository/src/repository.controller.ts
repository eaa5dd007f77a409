import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { QUEUE_GROUPS, SUBJECTS, type RepositoryLoadRequest, type RepositorySnapshot, type RepositoryUnloadRequest } from '@flotilla/contracts';
import { RepositoryService } from './repository.service';

/** The repository's questions and commands, each answered by one replica of this service (queue group). */
@Controller()
export class RepositoryController {
  constructor(private readonly repository: RepositoryService) {}

  @MessagePattern(SUBJECTS.repositoryIndex, { queue: QUEUE_GROUPS.modelRepository })
  index(): Promise<RepositorySnapshot> {
    return this.repository.snapshot();
  }

  /** Answered once the model serves (or with why it does not): the load API is synchronous, as Triton's. */
  @MessagePattern(SUBJECTS.repositoryLoad, { queue: QUEUE_GROUPS.modelRepository })
  async load(@Payload() request: RepositoryLoadRequest): Promise<Record<string, never>> {
    await this.repository.loadFromApi(request);
    return {};
  }

  @MessagePattern(SUBJECTS.repositoryUnload, { queue: QUEUE_GROUPS.modelRepository })
  async unload(@Payload() request: RepositoryUnloadRequest): Promise<Record<string, never>> {
    await this.repository.unloadFromApi(request.model);
    return {};
  }
}
