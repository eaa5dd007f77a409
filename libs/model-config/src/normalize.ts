import type { DeviceEnvironment } from './device-environment';
import type { ModelConfig, ModelOptimizationPolicy } from './model-config.types';
import { normalizeInstanceGroups } from './normalize-instance-groups';

/**
 * Fills in what Triton's NormalizeModelConfig and NormalizeInstanceGroup fill in (spec §1.2, §3.3,
 * §4.2, §4.4), so the result is what `GET /v2/models/<m>/config` shows and what the server runs:
 * default version policy `latest { num_versions: 1 }`; dynamic batching's preferred batch size
 * `[max_batch_size]` when none is given; pinned-memory optimisation on unless configured;
 * instance groups named, kinds resolved, counts and GPUs defaulted; and rate-limiter priority 0
 * written as the 1 it means. Expects `name` and `backend` to be known (completeBackendFields).
 * Returns a new config.
 */
export function normalizeModelConfig(config: ModelConfig, env: DeviceEnvironment): ModelConfig {
  const normalized = structuredClone(config);
  normalized.version_policy ??= { latest: { num_versions: 1 } };
  const batching = normalized.dynamic_batching;
  if (batching !== undefined && batching.preferred_batch_size.length === 0 && normalized.max_batch_size > 0) {
    batching.preferred_batch_size = [normalized.max_batch_size];
  }
  normalized.optimization = withPinnedMemoryDefaults(normalized.optimization);
  normalized.instance_group = normalizeInstanceGroups(normalized, env);
  return normalized;
}

function withPinnedMemoryDefaults(optimization: ModelOptimizationPolicy | undefined): ModelOptimizationPolicy {
  const policy = optimization ?? { priority: 'PRIORITY_DEFAULT', gather_kernel_buffer_threshold: 0, eager_batching: false };
  return {
    ...policy,
    input_pinned_memory: policy.input_pinned_memory ?? { enable: true },
    output_pinned_memory: policy.output_pinned_memory ?? { enable: true },
  };
}
