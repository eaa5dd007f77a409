import type { ExecutorAnnouncement, ModelRecord } from '@flotilla/contracts';
import { instancePlacements, slotSignature, type ModelConfig } from '@flotilla/model-config';
import { versionSource } from '@flotilla/model-store';

/**
 * Where one model version's instances stand in the fleet:
 * - `ready`: every instance its config places (passive ones too) is announced ready;
 * - `loading`: some are not there yet, or still loading (`waitingFor` names them);
 * - `failed`: an instance failed to load; `reason` is its error.
 */
export type VersionSlots =
  | { readonly kind: 'ready' }
  | { readonly kind: 'loading'; readonly waitingFor: readonly string[] }
  | { readonly kind: 'failed'; readonly reason: string };

/**
 * Compares what a model version's config asks for with what the executors announce, instance by
 * instance (device + Triton's instance name). A version is ready only when all of its instances
 * have a loaded session: one ready instance out of three is not a ready model.
 */
export function versionSlots(record: ModelRecord, version: number, executors: readonly ExecutorAnnouncement[]): VersionSlots {
  if (!record.config) return { kind: 'failed', reason: record.reason || `model '${record.name}' has no configuration` };
  const config = record.config as unknown as ModelConfig;
  const found = record.versions.find((v) => v.version === version);
  const source = found ? versionSource(found) : '';
  const waitingFor: string[] = [];
  for (const placement of instancePlacements(config)) {
    // A slot of the config being replaced has another signature: it does not count as loaded.
    const signature = slotSignature(version, source, config, placement);
    const slots = executors
      .filter((executor) => executor.device === placement.device)
      .flatMap((executor) => executor.slots)
      .filter((slot) => slot.model === record.name && slot.version === version && slot.instance === placement.name && (slot.signature ?? signature) === signature);
    if (slots.some((slot) => slot.state === 'ready')) continue;
    const failed = slots.find((slot) => slot.state === 'failed');
    if (failed) return { kind: 'failed', reason: failed.error ?? `instance '${placement.name}' failed to load` };
    waitingFor.push(`${placement.name} on ${placement.device}`);
  }
  return waitingFor.length === 0 ? { kind: 'ready' } : { kind: 'loading', waitingFor };
}
