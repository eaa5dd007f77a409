import type { InstancePlacement } from './instance-placements';
import type { ModelConfig } from './model-config.types';

/**
 * What an instance is, apart from its name: Triton's instance signature (its group with the name
 * cleared and count 1, plus its device), together with everything else in the config. Two
 * instances with equal signatures are interchangeable, so a config change that only renames
 * groups or regroups counts can keep every running instance (checklist 12–13), while any other
 * change gives every instance a new signature — Triton's full reload.
 */
export function instanceSignature(config: ModelConfig, placement: InstancePlacement): string {
  const group = config.instance_group.find((g) => g.name === placement.group);
  const { name: _name, count: _count, gpus: _gpus, ...groupShape } = group ?? ({} as Partial<ModelConfig['instance_group'][number]>);
  const { instance_group: _groups, version_policy: _policy, ...rest } = config;
  return JSON.stringify({ group: groupShape, device: placement.device, config: rest });
}

/**
 * The signature of one instance slot of a model version: its version, what it loads (`source`:
 * the model file's path and its files' digest, libs/model-store's `versionSource`), and its
 * instance signature. Executors give it to the slots they create (and reuse a slot only for an
 * equal one); the model repository compares it with the slots announced to tell a slot of the
 * current config from one of the config it replaces.
 */
export function slotSignature(version: number, source: string, config: ModelConfig, placement: InstancePlacement): string {
  return `${version} ${source} ${instanceSignature(config, placement)}`;
}
