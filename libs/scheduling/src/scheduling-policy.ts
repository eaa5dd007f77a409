import type { ModelConfig, ModelQueuePolicy } from '@flotilla/model-config';

/** A priority level's queue policy (Triton's `ModelQueuePolicy`, triton-spec §3.5). */
export interface QueuePolicy {
  /** What happens to a request whose queue timeout passed: fail it, or move it behind the level's unexpired ones. */
  readonly timeoutAction: 'REJECT' | 'DELAY';
  /** 0: requests never time out in the queue (the request's own deadline still applies). */
  readonly defaultTimeoutMicros: number;
  readonly allowTimeoutOverride: boolean;
  /**
   * Triton applies a request's `timeout` only when it is shorter than a non-zero default; true
   * lets it apply when the default is 0 too (the default scheduler, which has no policy to set one).
   */
  readonly overrideWithoutDefault: boolean;
  /** 0: unbounded. Counted per level, delayed requests included. */
  readonly maxQueueSize: number;
}

export interface DynamicBatchingPolicy {
  /** Ascending, never empty (normalisation writes `[max_batch_size]` when the config gives none). */
  readonly preferredBatchSizes: readonly number[];
  readonly maxQueueDelayMicros: number;
  /** Responses leave in arrival order: this version runs one batch at a time (see DefaultScheduler). */
  readonly preserveOrdering: boolean;
}

/** How one model's requests wait and run: its queue levels and, if it batches, how. */
export interface SchedulingPolicy {
  /** The config's `max_batch_size`; 0 means requests have no batch dimension. */
  readonly maxBatchSize: number;
  /** Absent: Triton's default scheduler, every request executed on its own. */
  readonly dynamicBatching?: DynamicBatchingPolicy;
  /** 0 (one level) or the number of levels; level 1 is served first. */
  readonly priorityLevels: number;
  /** Where requests without a valid priority go (1-based); unused with one level. */
  readonly defaultPriorityLevel: number;
  /** One per level, index = level − 1 (one entry with a single level). */
  readonly queuePolicies: readonly QueuePolicy[];
}

/**
 * The default scheduler's queue (triton-spec §3.1): one level, unbounded, nothing times out but
 * a request that asks to (`timeout` parameter), which is failed once it has waited that long.
 */
export const DEFAULT_SCHEDULING_POLICY: SchedulingPolicy = {
  maxBatchSize: 0,
  priorityLevels: 0,
  defaultPriorityLevel: 0,
  queuePolicies: [{ timeoutAction: 'REJECT', defaultTimeoutMicros: 0, allowTimeoutOverride: true, overrideWithoutDefault: true, maxQueueSize: 0 }],
};

/** The policy a normalised, validated model config asks for. */
export function schedulingPolicyOf(config: Pick<ModelConfig, 'max_batch_size' | 'dynamic_batching'>): SchedulingPolicy {
  const batching = config.dynamic_batching;
  if (batching === undefined) return { ...DEFAULT_SCHEDULING_POLICY, maxBatchSize: config.max_batch_size };
  const levels = batching.priority_levels;
  const policyOf = (level: number) => queuePolicyOf(batching.priority_queue_policy[String(level)] ?? batching.default_queue_policy);
  const preferred = [...batching.preferred_batch_size].sort((a, b) => a - b);
  return {
    maxBatchSize: config.max_batch_size,
    dynamicBatching: {
      preferredBatchSizes: preferred.length > 0 ? preferred : [Math.max(1, config.max_batch_size)],
      maxQueueDelayMicros: batching.max_queue_delay_microseconds,
      preserveOrdering: batching.preserve_ordering,
    },
    priorityLevels: levels,
    defaultPriorityLevel: batching.default_priority_level,
    queuePolicies: levels === 0 ? [policyOf(0)] : Array.from({ length: levels }, (_, i) => policyOf(i + 1)),
  };
}

function queuePolicyOf(policy: ModelQueuePolicy | undefined): QueuePolicy {
  return {
    timeoutAction: policy?.timeout_action ?? 'REJECT',
    defaultTimeoutMicros: policy?.default_timeout_microseconds ?? 0,
    allowTimeoutOverride: policy?.allow_timeout_override ?? false,
    overrideWithoutDefault: false,
    maxQueueSize: policy?.max_queue_size ?? 0,
  };
}

/**
 * A request's queue timeout in microseconds (0: none): the level's default, or the request's own
 * when the policy allows overriding and it is shorter (Triton ignores longer ones, and — a quirk
 * kept for compatibility — any override when the default is 0, unless `overrideWithoutDefault`).
 */
export function queueTimeoutMicros(policy: QueuePolicy, requested: number | undefined): number {
  const own = requested ?? 0;
  if (!policy.allowTimeoutOverride || own <= 0) return policy.defaultTimeoutMicros;
  if (policy.defaultTimeoutMicros === 0) return policy.overrideWithoutDefault ? own : 0;
  return Math.min(own, policy.defaultTimeoutMicros);
}
