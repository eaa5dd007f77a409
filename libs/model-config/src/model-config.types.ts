/**
 * Triton's ModelConfig (common:protobuf/model_config.proto) as plain TypeScript objects.
 *
 * Field names are the proto's snake_case names, enum values are their proto names and every
 * scalar, repeated and map field is always present (defaults filled), so a ModelConfig *is* the JSON
 * Triton returns from `GET /v2/models/<m>/config`. Singular message fields stay optional because
 * their presence means something (`dynamic_batching {}` turns the dynamic batcher on).
 * int64/uint64 fields are JS numbers; the parser rejects values beyond 2^53.
 */

/** Enum value lists in proto order: index = the enum's numeric value. */
export const DATA_TYPES = [
  'TYPE_INVALID',
  'TYPE_BOOL',
  'TYPE_UINT8',
  'TYPE_UINT16',
  'TYPE_UINT32',
  'TYPE_UINT64',
  'TYPE_INT8',
  'TYPE_INT16',
  'TYPE_INT32',
  'TYPE_INT64',
  'TYPE_FP16',
  'TYPE_FP32',
  'TYPE_FP64',
  'TYPE_STRING',
  'TYPE_BF16',
] as const;
export type DataType = (typeof DATA_TYPES)[number];

export const TENSOR_FORMATS = ['FORMAT_NONE', 'FORMAT_NHWC', 'FORMAT_NCHW'] as const;
export type TensorFormat = (typeof TENSOR_FORMATS)[number];

export const INSTANCE_GROUP_KINDS = ['KIND_AUTO', 'KIND_GPU', 'KIND_CPU', 'KIND_MODEL'] as const;
export type InstanceGroupKind = (typeof INSTANCE_GROUP_KINDS)[number];

export const SECONDARY_DEVICE_KINDS = ['KIND_NVDLA'] as const;
export type SecondaryDeviceKind = (typeof SECONDARY_DEVICE_KINDS)[number];

export const TIMEOUT_ACTIONS = ['REJECT', 'DELAY'] as const;
export type TimeoutAction = (typeof TIMEOUT_ACTIONS)[number];

export const OPTIMIZATION_PRIORITIES = ['PRIORITY_DEFAULT', 'PRIORITY_MAX', 'PRIORITY_MIN'] as const;
export type OptimizationPriority = (typeof OPTIMIZATION_PRIORITIES)[number];

export interface ModelTensorReshape {
  shape: number[];
}

export interface ModelInput {
  name: string;
  data_type: DataType;
  format: TensorFormat;
  dims: number[];
  reshape?: ModelTensorReshape;
  is_shape_tensor: boolean;
  allow_ragged_batch: boolean;
  optional: boolean;
}

export interface ModelOutput {
  name: string;
  data_type: DataType;
  dims: number[];
  reshape?: ModelTensorReshape;
  label_filename: string;
  is_shape_tensor: boolean;
}

/** A oneof: exactly one of `latest`, `all`, `specific` is set. */
export type ModelVersionPolicy =
  | { latest: { num_versions: number } }
  | { all: Record<string, never> }
  | { specific: { versions: number[] } };

export interface ModelRateLimiterResource {
  name: string;
  global: boolean;
  count: number;
}

export interface ModelRateLimiter {
  resources: ModelRateLimiterResource[];
  priority: number;
}

export interface SecondaryDevice {
  kind: SecondaryDeviceKind;
  device_id: number;
}

export interface ModelInstanceGroup {
  name: string;
  kind: InstanceGroupKind;
  count: number;
  rate_limiter?: ModelRateLimiter;
  gpus: number[];
  secondary_devices: SecondaryDevice[];
  profile: string[];
  passive: boolean;
  host_policy: string;
}

export interface ModelQueuePolicy {
  timeout_action: TimeoutAction;
  default_timeout_microseconds: number;
  allow_timeout_override: boolean;
  max_queue_size: number;
}

export interface ModelDynamicBatching {
  preferred_batch_size: number[];
  max_queue_delay_microseconds: number;
  preserve_ordering: boolean;
  priority_levels: number;
  default_priority_level: number;
  default_queue_policy?: ModelQueuePolicy;
  /** Keyed by priority level, written in decimal (JSON object keys are strings). */
  priority_queue_policy: Record<string, ModelQueuePolicy>;
}

export interface ModelParameter {
  string_value: string;
}

export interface PinnedMemoryBuffer {
  enable: boolean;
}

export interface ExecutionAccelerator {
  name: string;
  parameters: Record<string, string>;
}

export interface ModelOptimizationPolicy {
  graph?: { level: number };
  priority: OptimizationPriority;
  cuda?: { graphs: boolean; busy_wait_events: boolean; output_copy_stream: boolean };
  execution_accelerators?: {
    gpu_execution_accelerator: ExecutionAccelerator[];
    cpu_execution_accelerator: ExecutionAccelerator[];
  };
  input_pinned_memory?: PinnedMemoryBuffer;
  output_pinned_memory?: PinnedMemoryBuffer;
  gather_kernel_buffer_threshold: number;
  eager_batching: boolean;
}

export interface ModelConfig {
  name: string;
  platform: string;
  backend: string;
  runtime: string;
  version_policy?: ModelVersionPolicy;
  max_batch_size: number;
  input: ModelInput[];
  output: ModelOutput[];
  optimization?: ModelOptimizationPolicy;
  dynamic_batching?: ModelDynamicBatching;
  instance_group: ModelInstanceGroup[];
  default_model_filename: string;
  cc_model_filenames: Record<string, string>;
  metric_tags: Record<string, string>;
  parameters: Record<string, ModelParameter>;
  model_transaction_policy?: { decoupled: boolean };
  response_cache?: { enable: boolean };
}
