import type { DeviceEnvironment } from './device-environment';
import type { InstanceGroupKind, ModelConfig, ModelInstanceGroup } from './model-config.types';

/** Backends whose CPU groups default to two instances (core:src/model_config_utils.cc SetDefaultInstanceCount). */
const TWO_CPU_INSTANCE_BACKENDS = new Set(['onnxruntime', 'tensorflow']);

/**
 * Triton's NormalizeInstanceGroup (spec §1.2), for backends that register no preferred instance
 * group (onnxruntime registers none, nor does Flotilla's javascript backend). Deliberately keeps
 * Triton's quirk that an AUTO group naming a missing GPU becomes KIND_CPU with its `gpus` kept, so
 * validation rejects it rather than silently running on CPU.
 */
export function normalizeInstanceGroups(config: ModelConfig, env: DeviceEnvironment): ModelInstanceGroup[] {
  // Without any group Triton adds one named after the model itself: no "_0" suffix.
  const groups = config.instance_group.length > 0 ? config.instance_group : [emptyGroup(config.name)];
  return groups.map((group, index) => {
    const kind = group.kind === 'KIND_AUTO' ? resolveAutoKind(group.gpus, env.gpus) : group.kind;
    const normalized: ModelInstanceGroup = {
      ...group,
      name: group.name !== '' ? group.name : `${config.name}_${index}`,
      kind,
      count: group.count >= 1 ? group.count : defaultInstanceCount(kind, config.backend),
      gpus: kind === 'KIND_GPU' && group.gpus.length === 0 ? [...env.gpus] : group.gpus,
    };
    // The proto documents priority 0 as meaning 1; writing 1 saves every reader that special case.
    if (group.rate_limiter !== undefined) normalized.rate_limiter = { ...group.rate_limiter, priority: Math.max(group.rate_limiter.priority, 1) };
    return normalized;
  });
}

function emptyGroup(name: string): ModelInstanceGroup {
  return { name, kind: 'KIND_AUTO', count: 0, gpus: [], secondary_devices: [], profile: [], passive: false, host_policy: '' };
}

/** GPU only when there are GPUs and every GPU the group lists is one of them. */
function resolveAutoKind(listedGpus: readonly number[], availableGpus: readonly number[]): InstanceGroupKind {
  const allListedExist = listedGpus.every((gpu) => availableGpus.includes(gpu));
  return availableGpus.length > 0 && allListedExist ? 'KIND_GPU' : 'KIND_CPU';
}

function defaultInstanceCount(kind: InstanceGroupKind, backend: string): number {
  return kind === 'KIND_CPU' && TWO_CPU_INSTANCE_BACKENDS.has(backend) ? 2 : 1;
}
