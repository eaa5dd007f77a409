import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { QUEUE_GROUPS, SUBJECTS, type ModelLifecycleEvent, type ModelRecord, type RepositorySnapshot } from '@flotilla/contracts';
import { loadRepository } from '@flotilla/repository';
import { publishJson, serveJson, type MessageBus } from '@flotilla/transport';
import { InjectBus } from '@flotilla/service-kit';

export const REPOSITORY_OPTIONS = Symbol('RepositoryOptions');

/**
 * Owns the model repository: scans it once at start (control mode `none`), logs every model that
 * failed with its reason, announces the loaded ones, and answers index queries. A broken model
 * never stops the others, and never stops the service.
 */
@Injectable()
export class RepositoryService implements OnApplicationBootstrap {
  private readonly logger = new Logger('repository');
  private models: ModelRecord[] = [];

  constructor(
    @InjectBus() private readonly bus: MessageBus,
    @Inject(REPOSITORY_OPTIONS) private readonly options: { repository: string },
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // No GPUs yet: executors announce devices, and GPU placement arrives with multi-device support.
    this.models = await loadRepository(this.options.repository, { gpus: [] });
    for (const model of this.models) {
      if (model.reason) this.logger.error(`model '${model.name}' failed to load: ${model.reason}`);
      else {
        const versions = model.versions.map((v) => (v.state === 'READY' ? `${v.version}` : `${v.version} (UNAVAILABLE: ${v.reason})`));
        this.logger.log(`model '${model.name}' loaded, versions ${versions.join(', ')}`);
      }
    }
    serveJson<void, RepositorySnapshot>(this.bus, SUBJECTS.repositoryIndex, () => ({ repository: this.options.repository, models: this.models }), {
      queue: QUEUE_GROUPS.modelRepository,
    });
    for (const model of this.models) {
      if (!model.reason) publishJson(this.bus, SUBJECTS.repositoryEvents, { kind: 'loaded', model } satisfies ModelLifecycleEvent);
    }
    await this.bus.flush();
  }
}
