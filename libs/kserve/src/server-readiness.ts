import type { ModelRecord, SchedulerStatus } from '@flotilla/contracts';

export interface Readiness {
  readonly ready: boolean;
  /** Why not, one line per cause, naming the model version or service; empty when ready. */
  readonly reasons: readonly string[];
}

/**
 * Whether the server is ready (`/v2/health/ready`), and why not: every version the repository
 * loaded must be executable by some slot the scheduler knows — so a version whose only executor is
 * gone makes the server unready, as soon as the scheduler declares that executor gone. With
 * strict readiness (Triton's default) a model that failed to load makes it unready too.
 */
export function serverReadiness(models: readonly ModelRecord[], status: SchedulerStatus, strictReadiness: boolean): Readiness {
  const executable = new Set(status.models.filter((m) => m.ready).map((m) => `${m.name}/${m.version}`));
  const reasons: string[] = [];
  for (const model of models) {
    const loaded = model.versions.filter((v) => v.state === 'READY');
    if (strictReadiness && model.reason) reasons.push(`model '${model.name}' failed to load: ${model.reason}`);
    if (strictReadiness) {
      for (const version of model.versions) if (version.state !== 'READY') reasons.push(`model '${model.name}' version ${version.version} is ${version.state}${version.reason ? `: ${version.reason}` : ''}`);
    }
    for (const version of loaded) {
      if (!executable.has(`${model.name}/${version.version}`)) {
        reasons.push(`model '${model.name}' version ${version.version} has no instance that can execute (its executor is gone, or its instances are still loading)`);
      }
    }
  }
  return { ready: reasons.length === 0, reasons };
}
