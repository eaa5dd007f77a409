import type { ExplicitResources } from './rate-limit-resource-option';
import { RateLimiter, type RateLimitedInstance } from './rate-limiter';
import { ResourceLimitError } from './resource-limit-error';

/** One model's instances, as a model load would register them (every version it loads). */
export interface ModelInstances {
  readonly model: string;
  readonly instances: readonly RateLimitedInstance[];
}

/**
 * What a model load checks before anything runs (triton-spec §2.3): registers each model's
 * instances in turn, in the order given, as Triton registers them when it loads models, and
 * returns the models whose instances the pools could never schedule, each with Triton's error. A
 * model that fails is not registered, so it does not shrink what the models after it may use.
 * Only for `--rate-limit=execution_count`: with `off` nothing is checked (checklist 14).
 */
export function checkResourceLimits(models: readonly ModelInstances[], explicitResources: ExplicitResources): Map<string, ResourceLimitError> {
  const limiter = new RateLimiter({ explicitResources });
  const failures = new Map<string, ResourceLimitError>();
  for (const { model, instances } of models) {
    try {
      limiter.register(instances);
    } catch (error) {
      if (!(error instanceof ResourceLimitError)) throw error;
      failures.set(model, error);
    }
  }
  return failures;
}
