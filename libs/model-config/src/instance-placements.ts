import { internal } from '@flotilla/contracts';
import type { ModelConfig, ModelRateLimiterResource } from './model-config.types';

/** One model instance to create: where it runs and how the rate limiter treats it. */
export interface InstancePlacement {
  /** The instance group it belongs to. */
  readonly group: string;
  /** `<group>_<c>`; the instances of one copy on several GPUs share the name, as in Triton. */
  readonly name: string;
  readonly kind: 'KIND_CPU' | 'KIND_GPU' | 'KIND_MODEL';
  readonly device: 'cpu' | `gpu:${number}`;
  /** Passive instances are created but never scheduled, nor registered with the rate limiter. */
  readonly passive: boolean;
  /** No resources for groups without a rate_limiter; priority 0 already read as 1. */
  readonly rateLimiter: { readonly resources: readonly ModelRateLimiterResource[]; readonly priority: number };
}

/**
 * The instances a normalised config asks for, in Triton's creation order (spec §1.3): for each
 * group, for each copy c in 0..count-1, one instance per listed GPU (GPU groups) or one on the CPU.
 * KIND_MODEL leaves placement to the backend, which for Flotilla's backends means the CPU.
 */
export function instancePlacements(config: ModelConfig): InstancePlacement[] {
  const placements: InstancePlacement[] = [];
  for (const group of config.instance_group) {
    const kind = group.kind;
    if (kind === 'KIND_AUTO') throw internal(`instance group ${group.name} of model ${config.name} has unexpected kind KIND_AUTO`);
    const devices: InstancePlacement['device'][] = kind === 'KIND_GPU' ? group.gpus.map((gpu) => `gpu:${gpu}` as const) : ['cpu'];
    const rateLimiter = {
      resources: group.rate_limiter?.resources ?? [],
      priority: Math.max(group.rate_limiter?.priority ?? 1, 1),
    };
    for (let copy = 0; copy < group.count; copy++) {
      for (const device of devices) {
        placements.push({ group: group.name, name: `${group.name}_${copy}`, kind, device, passive: group.passive, rateLimiter });
      }
    }
  }
  return placements;
}
