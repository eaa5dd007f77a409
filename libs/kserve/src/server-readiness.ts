import type { ExecutorAnnouncement, ModelRecord, SchedulerStatus } from '@flotilla/contracts';
import { isUnloaded, UNLOADED, versionSlots } from '@flotilla/repository';

export interface Readiness {
  readonly ready: boolean;
  /** Why not, one line per cause, naming the model version or service; empty when ready. */
  readonly reasons: readonly string[];
}

/**
 * Whether the server is ready (`/v2/health/ready`), and why not. Strict (Triton's default): every
 * model the repository loaded has all its versions READY — none loading, unloading or failed;
 * unloaded models do not count. Not strict: failed models do not count, but nothing may be
 * loading or unloading. Either way every READY version needs every instance its config places
 * announced with a loaded session, and a slot the scheduler can route to — so a version whose
 * only executor is gone makes the server unready as soon as the scheduler declares it gone.
 */
export function serverReadiness(models: readonly ModelRecord[], status: SchedulerStatus, executors: readonly ExecutorAnnouncement[], strictReadiness: boolean): Readiness {
  const routable = routableVersions(status);
  const reasons: string[] = [];
  for (const model of models) {
    if (isUnloaded(model)) continue;
    if (model.reason || model.versions.length === 0) {
      if (strictReadiness) reasons.push(`model '${model.name}' failed to load: ${model.reason}`);
      continue;
    }
    for (const version of model.versions) {
      const name = `model '${model.name}' version ${version.version}`;
      if (version.state === 'READY') {
        const slots = versionSlots(model, version.version, executors);
        if (slots.kind !== 'ready') reasons.push(`${name} does not have all its instances: ${slots.kind === 'loading' ? `waiting for ${slots.waitingFor.join(', ')}` : slots.reason}`);
        else if (!routable.has(`${model.name}/${version.version}`)) reasons.push(`${name} has no instance that can execute (its executor is gone, or the scheduler has not heard of its instances yet)`);
      } else if (version.state === 'UNAVAILABLE') {
        if (strictReadiness && version.reason !== UNLOADED) reasons.push(`${name} is UNAVAILABLE: ${version.reason}`);
      } else {
        reasons.push(`${name} is ${version.state}`);
      }
    }
  }
  return { ready: reasons.length === 0, reasons };
}

/** `<model>/<version>` of the versions the scheduler has a slot for that takes requests. */
export function routableVersions(status: SchedulerStatus): Set<string> {
  return new Set(status.models.filter((m) => m.slots.some((slot) => !slot.draining)).map((m) => `${m.name}/${m.version}`));
}
