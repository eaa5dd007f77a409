import type { ModelRecord } from '@flotilla/contracts';
import { instancePlacements, type ModelConfig } from '@flotilla/model-config';
import { checkResourceLimits, type ExplicitResources, type ModelInstances, type RateLimitMode } from '@flotilla/rate-limiting';

export interface RateLimitOptions {
  readonly mode: RateLimitMode;
  readonly explicitResources: ExplicitResources;
}

/**
 * With `--rate-limit=execution_count`, fails the models whose instance groups ask for more of a
 * resource than the deployment offers (or use one name both globally and per device), with
 * Triton's texts, as tritonserver fails their load: such instances could never run. Every READY
 * version's active instances count, as the executors will create them. With `off`, resources and
 * priorities are ignored and nothing fails (checklist 14).
 */
export function applyResourceLimits(models: readonly ModelRecord[], options: RateLimitOptions): ModelRecord[] {
  if (options.mode === 'off') return [...models];
  const failures = checkResourceLimits(models.flatMap(instancesOf), options.explicitResources);
  return models.map((model) => {
    const failure = failures.get(model.name);
    if (!failure) return model;
    return { ...model, reason: failure.message, versions: model.versions.map((version) => ({ ...version, state: 'UNAVAILABLE', reason: failure.message })) };
  });
}

function instancesOf(model: ModelRecord): ModelInstances[] {
  if (!model.config || model.reason) return [];
  const placements = instancePlacements(model.config as unknown as ModelConfig).filter((placement) => !placement.passive);
  const instances = model.versions
    .filter((version) => version.state === 'READY')
    .flatMap((version) =>
      placements.map((placement) => ({
        id: `${model.name}/${version.version}/${placement.name}@${placement.device}`,
        model: model.name,
        version: version.version,
        device: placement.device,
        resources: placement.rateLimiter.resources,
        priority: placement.rateLimiter.priority,
      })),
    );
  return [{ model: model.name, instances }];
}
