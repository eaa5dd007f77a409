import type { DeviceName, ModelRecord, SlotRateLimiter, VersionManifest } from '@flotilla/contracts';
import { versionSource } from '@flotilla/model-store';
import { getParameter, instancePlacements, slotSignature, type ModelConfig } from '@flotilla/model-config';

/** One instance slot an executor should create. */
export interface PlannedSlot {
  readonly slotId: string;
  readonly model: string;
  readonly version: number;
  /** The model file on the model repository's host (`--model-source` decides whether this executor reads it there). */
  readonly modelPath: string;
  /** The version's files by digest, for fetching them from the model store; absent when the repository sent none. */
  readonly manifest?: VersionManifest;
  readonly group: string;
  readonly instance: string;
  readonly passive: boolean;
  /** Its group's `rate_limiter`: resources held while executing, and priority. */
  readonly rateLimiter: SlotRateLimiter;
  /** From the model's `intra_op_thread_count` / `inter_op_thread_count` parameters, when set. */
  readonly intraOpThreads?: number;
  readonly interOpThreads?: number;
  readonly backend: string;
  /** Equal signatures are interchangeable instances (see `reconcileInstances`). */
  readonly signature: string;
  /** The model config's `parameters`, as strings (JavaScript models read them). */
  readonly parameters: Readonly<Record<string, string>>;
}

/**
 * The slots one executor owns: for every version of every model that is loading, READY or
 * unloading (it still finishes its queued requests), the instances that
 * Triton's placement (spec §1.3) puts on this executor's device. Slot ids are unique across the
 * fleet because they start with the executor's id.
 */
export function planSlots(executorId: string, device: DeviceName, models: readonly ModelRecord[]): PlannedSlot[] {
  const planned: PlannedSlot[] = [];
  for (const model of models) {
    if (!model.config) continue;
    const config = model.config as unknown as ModelConfig;
    const placements = instancePlacements(config).filter((placement) => placement.device === device);
    if (placements.length === 0) continue;
    const intraOpThreads = threadCount(config, 'intra_op_thread_count');
    const interOpThreads = threadCount(config, 'inter_op_thread_count');
    const parameters = Object.fromEntries(Object.entries(config.parameters).map(([key, value]) => [key, value.string_value]));
    for (const version of model.versions) {
      // LOADING: being loaded; UNLOADING: finishing its queued requests before it goes.
      if (version.state !== 'READY' && version.state !== 'LOADING' && version.state !== 'UNLOADING') continue;
      for (const placement of placements) {
        planned.push({
          slotId: `${executorId}/${model.name}/${version.version}/${placement.name}`,
          model: model.name,
          version: version.version,
          modelPath: version.path,
          ...(version.manifest ? { manifest: version.manifest } : {}),
          group: placement.group,
          instance: placement.name,
          passive: placement.passive,
          rateLimiter: placement.rateLimiter,
          intraOpThreads,
          interOpThreads,
          backend: config.backend,
          parameters,
          signature: slotSignature(version.version, versionSource(version), config, placement),
        });
      }
    }
  }
  return planned;
}

function threadCount(config: ModelConfig, key: string): number | undefined {
  const text = getParameter(config, key);
  if (text === undefined) return undefined;
  const value = Number(text);
  // Triton's onnxruntime backend treats 0 as "let ONNX Runtime decide"; so do we.
  return Number.isInteger(value) && value > 0 ? value : undefined;
}
