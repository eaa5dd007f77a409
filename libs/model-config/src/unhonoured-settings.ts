import { invalidArg } from '@flotilla/contracts';
import type { ModelConfig } from './model-config.types';

/**
 * No setting accepted but ignored. Every config field Flotilla parses but does not act on is one
 * rule here: either the model is refused at load, naming the field (when ignoring it would give
 * wrong answers or a broken model), or it loads with a warning naming the field (when answers stay
 * right and only what the setting promised — speed, placement, extra outputs — is missing). The
 * table in docs/model-config.md lists every field, these and those honoured.
 *
 * Fields Flotilla does not parse at all (`sequence_batching`, `ensemble_scheduling`,
 * `batch_input`, …) are refused by the parser (model-config.schema.ts, `unsupported`).
 */
interface SettingRule {
  readonly action: 'refuse' | 'warn';
  /** Where `config` sets the field to something Flotilla does not honour, as paths naming it; none when nowhere. */
  where(config: ModelConfig): string[];
  /** What happens instead, for the message. */
  readonly why: string;
}

/** Backends Flotilla runs (backend-fields.ts names their conventions). */
const BACKENDS = ['onnxruntime', 'javascript'];
/** The `parameters` keys the onnxruntime backend reads (plan-slots.ts); a javascript model gets them all. */
const ONNXRUNTIME_PARAMETERS = ['intra_op_thread_count', 'inter_op_thread_count'];

const RULES: readonly SettingRule[] = [
  // Refused: ignoring these would run the model wrongly, or not at all.
  {
    action: 'refuse',
    where: (c) => (BACKENDS.includes(c.backend) ? [] : [c.backend ? `backend '${c.backend}'` : `platform '${c.platform}'`]),
    why: `Flotilla runs only the ${BACKENDS.join(' and ')} backends`,
  },
  { action: 'refuse', where: (c) => (c.runtime ? [`runtime '${c.runtime}'`] : []), why: 'Flotilla loads no backend libraries; the backend is chosen by `backend` or `platform`' },
  { action: 'refuse', where: (c) => tensorsWith(c, (t) => t.reshape !== undefined, 'reshape'), why: 'tensors reach the model in the shape the request gives' },
  { action: 'refuse', where: (c) => tensorsWith(c, (t) => t.is_shape_tensor, 'is_shape_tensor'), why: 'shape tensors are a TensorRT feature' },
  { action: 'refuse', where: (c) => groupsWith(c, (g) => g.secondary_devices.length > 0, 'secondary_devices'), why: 'secondary (NVDLA) devices are a TensorRT feature' },
  {
    action: 'refuse',
    where: (c) => (c.model_transaction_policy?.decoupled ? ['model_transaction_policy.decoupled'] : []),
    why: 'every request gets exactly one response; decoupled models are not supported',
  },
  // Warned: the model answers correctly without them.
  { action: 'warn', where: (c) => (c.response_cache?.enable ? ['response_cache.enable'] : []), why: 'there is no response cache; every request is computed' },
  {
    action: 'warn',
    where: (c) => c.input.filter((t) => t.allow_ragged_batch).map((t) => `input '${t.name}' allow_ragged_batch`),
    why: 'requests whose shapes differ are never batched together',
  },
  {
    action: 'warn',
    where: (c) => c.output.filter((t) => t.label_filename !== '').map((t) => `output '${t.name}' label_filename`),
    why: 'the classification extension is not implemented (requests asking for classification are refused)',
  },
  { action: 'warn', where: (c) => (c.optimization?.graph ? ['optimization.graph'] : []), why: 'ONNX Runtime sessions always use every graph optimisation' },
  {
    action: 'warn',
    where: (c) => (c.optimization && c.optimization.priority !== 'PRIORITY_DEFAULT' ? ['optimization.priority'] : []),
    why: 'models have no execution priority',
  },
  { action: 'warn', where: (c) => (c.optimization?.cuda ? ['optimization.cuda'] : []), why: 'there are no CUDA graph or stream settings' },
  {
    action: 'warn',
    where: (c) => (c.optimization?.execution_accelerators ? ['optimization.execution_accelerators'] : []),
    why: "the execution provider is the executor's --execution-provider flag, the same for every model it runs",
  },
  {
    action: 'warn',
    where: (c) => (['input_pinned_memory', 'output_pinned_memory'] as const).filter((field) => c.optimization?.[field] !== undefined).map((field) => `optimization.${field}`),
    why: 'there are no pinned staging buffers (ONNX Runtime manages its own device copies)',
  },
  {
    action: 'warn',
    where: (c) => (c.optimization?.gather_kernel_buffer_threshold ? ['optimization.gather_kernel_buffer_threshold'] : []),
    why: 'there is no gather kernel',
  },
  { action: 'warn', where: (c) => (c.optimization?.eager_batching ? ['optimization.eager_batching'] : []), why: 'batches are formed by the dynamic batcher alone' },
  { action: 'warn', where: (c) => groupsWith(c, (g) => g.host_policy !== '', 'host_policy'), why: 'there are no host policies' },
  {
    action: 'warn',
    where: (c) => Object.keys(c.cc_model_filenames).map((key) => `cc_model_filenames '${key}'`),
    why: 'the model file is always default_model_filename',
  },
  { action: 'warn', where: (c) => Object.keys(c.metric_tags).map((key) => `metric_tags '${key}'`), why: 'there is no metrics endpoint to tag' },
  {
    action: 'warn',
    where: (c) => (c.backend === 'onnxruntime' ? Object.keys(c.parameters).filter((key) => !ONNXRUNTIME_PARAMETERS.includes(key)).map((key) => `parameters '${key}'`) : []),
    why: `the onnxruntime backend reads only ${ONNXRUNTIME_PARAMETERS.join(' and ')}`,
  },
];

/** Refuses, with INVALID_ARG naming it, the first setting Flotilla cannot honour and must not ignore. */
export function refuseUnhonouredSettings(config: ModelConfig): void {
  for (const rule of RULES) {
    const [first] = rule.action === 'refuse' ? rule.where(config) : [];
    if (first !== undefined) throw invalidArg(`${first} is not supported by Flotilla for model '${config.name}': ${rule.why}`);
  }
}

/**
 * One warning per setting the config writes that Flotilla accepts without acting on. Give it the
 * config as written (before normalisation), so that defaults normalisation fills in do not warn.
 */
export function unhonouredSettingWarnings(config: ModelConfig): string[] {
  return RULES.filter((rule) => rule.action === 'warn').flatMap((rule) => rule.where(config).map((field) => `${field} is accepted but has no effect: ${rule.why}`));
}

function tensorsWith(config: ModelConfig, test: (tensor: { reshape?: unknown; is_shape_tensor: boolean }) => boolean, field: string): string[] {
  return [
    ...config.input.filter(test).map((t) => `input '${t.name}' ${field}`),
    ...config.output.filter(test).map((t) => `output '${t.name}' ${field}`),
  ];
}

function groupsWith(config: ModelConfig, test: (group: ModelConfig['instance_group'][number]) => boolean, field: string): string[] {
  return config.instance_group.flatMap((group, index) => (test(group) ? [`instance_group '${group.name || index}' ${field}`] : []));
}
