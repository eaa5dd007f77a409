import { invalidArg } from '@flotilla/contracts';
import type { ModelConfig, ModelQueuePolicy } from './model-config.types';

/** The dynamic_batching checks of Triton's ValidateModelConfig (spec §3.3), with its messages. */
export function validateDynamicBatching(config: ModelConfig): void {
  const batching = config.dynamic_batching;
  if (batching === undefined) return;
  const model = config.name;
  for (const size of batching.preferred_batch_size) {
    if (size <= 0) throw invalidArg(`dynamic batching preferred size must be positive for ${model}`);
    if (size > config.max_batch_size) throw invalidArg(`dynamic batching preferred size must be <= max batch size for ${model}`);
  }

  const levels = batching.priority_levels;
  if (levels !== 0) {
    const inRange = (level: number) => level >= 1 && level <= levels;
    if (!inRange(batching.default_priority_level)) throw invalidArg(`default priority level must be in range [1, ${levels}] for ${model}`);
    if (!Object.keys(batching.priority_queue_policy).every((level) => inRange(Number(level)))) {
      throw invalidArg(`priority queue policy must have priority level in range [1, ${levels}] for ${model}`);
    }
  }

  if (batching.preserve_ordering) {
    if (levels > 1) throw invalidArg(`Only one priority level is allowed when 'preserve_ordering' is true for ${model}`);
    // Delaying an expired request would let later ones overtake it, which ordering forbids.
    const policies = [batching.default_queue_policy, ...Object.values(batching.priority_queue_policy)];
    if (policies.some(delaysExpiredRequests)) {
      throw invalidArg(`Queue policy can not have DELAY as timeout action when 'preserve_ordering' is true for ${model}`);
    }
  }
}

function delaysExpiredRequests(policy: ModelQueuePolicy | undefined): boolean {
  return policy !== undefined && policy.default_timeout_microseconds !== 0 && policy.timeout_action === 'DELAY';
}
