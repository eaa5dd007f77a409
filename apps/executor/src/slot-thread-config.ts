// What a slot's serving thread is started with: the backends' SlotSpec (which model, how to run
// it) and the executor's ServingConfig (where to listen, what to report).
import type { SlotSpec } from '@flotilla/backends';
import { SUBJECTS } from '@flotilla/contracts';
import { needsResources } from '@flotilla/rate-limiting';
import type { ExecutorOptions } from './executor.options';
import type { SlotEntry } from './slot-entry';
import type { ServingConfig } from './slot-thread/serving-protocol';

/** @param modelPath where this executor reads the model (the repository's path, or its own cache) */
export function slotSpecOf(entry: SlotEntry, options: ExecutorOptions, intraOpThreads: number, modelPath = entry.plan.modelPath): SlotSpec {
  const { plan } = entry;
  return {
    slotId: plan.slotId,
    modelName: plan.model,
    modelVersion: plan.version,
    modelPath,
    backend: plan.backend === 'javascript' ? 'javascript' : 'onnxruntime',
    executionProvider: options.executionProvider,
    deviceId: options.deviceId,
    intraOpThreads,
    interOpThreads: plan.interOpThreads ?? 1,
    device: options.device,
    inputNames: entry.tensors.input.map((input) => input.name),
    outputNames: entry.tensors.output.map((output) => output.name),
    parameters: plan.parameters,
  };
}

export function servingConfigOf(entry: SlotEntry, options: ExecutorOptions, reportSpans: boolean): ServingConfig {
  const { plan } = entry;
  const gated = needsResources(plan.rateLimiter.resources);
  return {
    natsServers: options.bus.servers,
    natsCredentials: options.bus.credentials,
    subject: entry.subject,
    executorId: options.executorId,
    device: options.device,
    slotId: plan.slotId,
    modelVersion: plan.version,
    instance: plan.instance,
    tensors: entry.tensors,
    statistics: entry.recorder.buffer,
    releaseSubject: gated ? SUBJECTS.slotReleasedGated : SUBJECTS.slotReleased,
    ...(gated ? { goSubject: SUBJECTS.slotGo(entry.subject) } : {}),
    // A gated slot's release is what lets the next grant out: it is never held back.
    releaseBatch: gated ? 1 : options.releaseBatch,
    reportSpans,
  };
}
