import { internal, invalidArg } from '@flotilla/contracts';
import type { DeviceEnvironment } from './device-environment';
import type { ModelConfig, ModelInstanceGroup } from './model-config.types';

/** Triton reports this threshold in its error text; Flotilla has no CUDA-capability filter of its own. */
const MIN_COMPUTE_CAPABILITY = '6.0';

/** Triton's ValidateInstanceGroup (spec §1.4), on a normalised config; messages are Triton's. */
export function validateInstanceGroups(config: ModelConfig, env: DeviceEnvironment): void {
  if (config.instance_group.length === 0) throw invalidArg(`must specify one or more 'instance group's for ${config.name}`);
  for (const group of config.instance_group) {
    validateKindAndGpus(group, config.name, env);
    if (group.profile.length > 0 && config.platform !== 'tensorrt_plan') {
      // Triton's text has no space before "specifies"; kept so logs and tests match Triton's.
      throw invalidArg(
        `instance group ${group.name} of model ${config.name} and platform ${config.platform}specifies profile field which is only supported for TensorRT models`,
      );
    }
  }
}

function validateKindAndGpus(group: ModelInstanceGroup, modelName: string, env: DeviceEnvironment): void {
  const prefix = `instance group ${group.name} of model ${modelName}`;
  switch (group.kind) {
    case 'KIND_CPU':
    case 'KIND_MODEL':
      if (group.gpus.length > 0) throw invalidArg(`${prefix} has kind ${group.kind} but specifies one or more GPUs`);
      return;
    case 'KIND_GPU': {
      if (env.gpus.length === 0) throw invalidArg(`${prefix} has kind KIND_GPU but no GPUs are available`);
      const missing = group.gpus.find((gpu) => !env.gpus.includes(gpu));
      if (missing !== undefined) {
        throw invalidArg(
          `${prefix} specifies invalid or unsupported gpu id ${missing}. GPUs with at least the minimum required CUDA compute compatibility of ${MIN_COMPUTE_CAPABILITY} are: ${env.gpus.join(', ')}`,
        );
      }
      return;
    }
    case 'KIND_AUTO':
      throw internal(`${prefix} has unexpected kind KIND_AUTO`);
  }
}
