import { invalidArg } from '@flotilla/contracts';
import type { DeviceEnvironment } from './device-environment';
import type { ModelConfig } from './model-config.types';
import { validateDynamicBatching } from './validate-dynamic-batching';
import { validateInstanceGroups } from './validate-instance-groups';
import { validateTensors } from './validate-tensors';
import { refuseUnhonouredSettings } from './unhonoured-settings';

/**
 * Rejects a normalised config the server must not load, throwing FlotillaError INVALID_ARG with
 * Triton's message where Triton has one (spec §1.4, §3.2, §3.3, §8.4), then any setting Flotilla
 * cannot honour and must not ignore (unhonoured-settings.ts). The first problem wins.
 */
export function validateModelConfig(config: ModelConfig, env: DeviceEnvironment): void {
  if (config.name === '') throw invalidArg("model configuration must specify 'name'");
  if (config.max_batch_size < 0) throw invalidArg(`'max_batch_size' must be non-negative value for ${config.name}`);
  validateTensors(config);
  validateDynamicBatching(config);
  validateInstanceGroups(config, env);
  refuseUnhonouredSettings(config);
}
