/**
 * The part of common:protobuf/model_config.proto this server understands, as a pbtxt schema.
 * Field names, their declaration order and the enum orders follow the proto; the TypeScript shapes
 * in model-config.types.ts mirror this table. Fields Triton has but Flotilla does not implement are
 * listed as `unsupported` so a config using them gets a clear error instead of being half-obeyed.
 */
import {
  DATA_TYPES,
  INSTANCE_GROUP_KINDS,
  OPTIMIZATION_PRIORITIES,
  SECONDARY_DEVICE_KINDS,
  TENSOR_FORMATS,
  TIMEOUT_ACTIONS,
} from './model-config.types';
import { enumOf, mapOf, messageOf, oneofMember, repeated, scalar, type MessageSchema } from './pbtxt/schema';

const dataType = enumOf({ name: 'DataType', values: DATA_TYPES });

const tensorReshape: MessageSchema = {
  name: 'ModelTensorReshape',
  fields: { shape: repeated(scalar('int64')) },
};

const modelInput: MessageSchema = {
  name: 'ModelInput',
  fields: {
    name: scalar('string'),
    data_type: dataType,
    format: enumOf({ name: 'ModelInput.Format', values: TENSOR_FORMATS }),
    dims: repeated(scalar('int64')),
    reshape: messageOf(tensorReshape),
    is_shape_tensor: scalar('bool'),
    allow_ragged_batch: scalar('bool'),
    optional: scalar('bool'),
  },
  unsupported: ['is_non_linear_format_io'],
};

const modelOutput: MessageSchema = {
  name: 'ModelOutput',
  fields: {
    name: scalar('string'),
    data_type: dataType,
    dims: repeated(scalar('int64')),
    reshape: messageOf(tensorReshape),
    label_filename: scalar('string'),
    is_shape_tensor: scalar('bool'),
  },
  unsupported: ['is_non_linear_format_io'],
};

const versionPolicy: MessageSchema = {
  name: 'ModelVersionPolicy',
  fields: {
    latest: oneofMember('policy_choice', messageOf({ name: 'ModelVersionPolicy.Latest', fields: { num_versions: scalar('uint32') } })),
    all: oneofMember('policy_choice', messageOf({ name: 'ModelVersionPolicy.All', fields: {} })),
    specific: oneofMember(
      'policy_choice',
      messageOf({ name: 'ModelVersionPolicy.Specific', fields: { versions: repeated(scalar('int64')) } }),
    ),
  },
};

const rateLimiter: MessageSchema = {
  name: 'ModelRateLimiter',
  fields: {
    resources: repeated(
      messageOf({
        name: 'ModelRateLimiter.Resource',
        fields: { name: scalar('string'), global: scalar('bool'), count: scalar('uint32') },
      }),
    ),
    priority: scalar('uint32'),
  },
};

const instanceGroup: MessageSchema = {
  name: 'ModelInstanceGroup',
  fields: {
    name: scalar('string'),
    kind: enumOf({ name: 'ModelInstanceGroup.Kind', values: INSTANCE_GROUP_KINDS }),
    count: scalar('int32'),
    rate_limiter: messageOf(rateLimiter),
    gpus: repeated(scalar('int32')),
    secondary_devices: repeated(
      messageOf({
        name: 'ModelInstanceGroup.SecondaryDevice',
        fields: {
          kind: enumOf({ name: 'ModelInstanceGroup.SecondaryDevice.SecondaryDeviceKind', values: SECONDARY_DEVICE_KINDS }),
          device_id: scalar('int64'),
        },
      }),
    ),
    profile: repeated(scalar('string')),
    passive: scalar('bool'),
    host_policy: scalar('string'),
  },
};

const queuePolicy: MessageSchema = {
  name: 'ModelQueuePolicy',
  fields: {
    timeout_action: enumOf({ name: 'ModelQueuePolicy.TimeoutAction', values: TIMEOUT_ACTIONS }),
    default_timeout_microseconds: scalar('uint64'),
    allow_timeout_override: scalar('bool'),
    max_queue_size: scalar('uint32'),
  },
};

const dynamicBatching: MessageSchema = {
  name: 'ModelDynamicBatching',
  fields: {
    preferred_batch_size: repeated(scalar('int32')),
    max_queue_delay_microseconds: scalar('uint64'),
    preserve_ordering: scalar('bool'),
    priority_levels: scalar('uint64'),
    default_priority_level: scalar('uint64'),
    default_queue_policy: messageOf(queuePolicy),
    priority_queue_policy: mapOf('uint64', messageOf(queuePolicy)),
  },
};

const pinnedMemory: MessageSchema = {
  name: 'ModelOptimizationPolicy.PinnedMemoryBuffer',
  fields: { enable: scalar('bool') },
};

const executionAccelerator = messageOf({
  name: 'ModelOptimizationPolicy.ExecutionAccelerators.Accelerator',
  fields: { name: scalar('string'), parameters: mapOf('string', scalar('string')) },
});

const optimization: MessageSchema = {
  name: 'ModelOptimizationPolicy',
  fields: {
    graph: messageOf({ name: 'ModelOptimizationPolicy.Graph', fields: { level: scalar('int32') } }),
    priority: enumOf({ name: 'ModelOptimizationPolicy.ModelPriority', values: OPTIMIZATION_PRIORITIES }),
    cuda: messageOf({
      name: 'ModelOptimizationPolicy.Cuda',
      fields: { graphs: scalar('bool'), busy_wait_events: scalar('bool'), output_copy_stream: scalar('bool') },
      unsupported: ['graph_spec'],
    }),
    execution_accelerators: messageOf({
      name: 'ModelOptimizationPolicy.ExecutionAccelerators',
      fields: {
        gpu_execution_accelerator: repeated(executionAccelerator),
        cpu_execution_accelerator: repeated(executionAccelerator),
      },
    }),
    input_pinned_memory: messageOf(pinnedMemory),
    output_pinned_memory: messageOf(pinnedMemory),
    gather_kernel_buffer_threshold: scalar('uint32'),
    eager_batching: scalar('bool'),
  },
};

export const MODEL_CONFIG_SCHEMA: MessageSchema = {
  name: 'ModelConfig',
  fields: {
    name: scalar('string'),
    platform: scalar('string'),
    backend: scalar('string'),
    runtime: scalar('string'),
    version_policy: messageOf(versionPolicy),
    max_batch_size: scalar('int32'),
    input: repeated(messageOf(modelInput)),
    output: repeated(messageOf(modelOutput)),
    optimization: messageOf(optimization),
    dynamic_batching: messageOf(dynamicBatching),
    instance_group: repeated(messageOf(instanceGroup)),
    default_model_filename: scalar('string'),
    cc_model_filenames: mapOf('string', scalar('string')),
    metric_tags: mapOf('string', scalar('string')),
    parameters: mapOf('string', messageOf({ name: 'ModelParameter', fields: { string_value: scalar('string') } })),
    model_transaction_policy: messageOf({ name: 'ModelTransactionPolicy', fields: { decoupled: scalar('bool') } }),
    response_cache: messageOf({ name: 'ModelResponseCache', fields: { enable: scalar('bool') } }),
  },
  unsupported: [
    'batch_input',
    'batch_output',
    'sequence_batching',
    'ensemble_scheduling',
    'model_warmup',
    'model_operations',
    'model_repository_agents',
    'model_metrics',
  ],
};
