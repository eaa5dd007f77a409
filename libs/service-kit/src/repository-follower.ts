import { SUBJECTS, type ModelLifecycleEvent, type ModelRecord, type RepositorySnapshot } from '@flotilla/contracts';
import { decodeJson, requestJson, type MessageBus } from '@flotilla/transport';

export interface FollowerLogger {
  warn(message: string): void;
  log(message: string): void;
}

/**
 * A service's copy of the model repository's records: the full index at start (asked again every
 * 250 ms until the repository answers, since services start in any order), then every lifecycle
 * event. `onChange` receives the whole current set after each change.
 */
export function followRepository(bus: MessageBus, logger: FollowerLogger, onChange: (models: ModelRecord[]) => void): void {
  const models = new Map<string, ModelRecord>();
  const changed = () => onChange([...models.values()]);

  bus.subscribe(SUBJECTS.repositoryEvents, (message) => {
    const event = decodeJson<ModelLifecycleEvent>(message.data);
    if (event.kind === 'loaded') models.set(event.model.name, event.model);
    else models.delete(event.model.name);
    changed();
  });

  void (async () => {
    for (let attempt = 1; ; attempt++) {
      try {
        const snapshot = await requestJson<RepositorySnapshot>(bus, SUBJECTS.repositoryIndex, {}, 1000);
        for (const model of snapshot.models) if (!models.has(model.name)) models.set(model.name, model);
        logger.log(`following ${snapshot.repository}: ${snapshot.models.length} model(s)`);
        changed();
        return;
      } catch (error) {
        // Services start in any order, so a few seconds without the repository is normal.
        if (attempt % 40 === 20) logger.warn(`still waiting for the model repository: ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
  })();
}
