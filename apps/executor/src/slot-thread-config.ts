// What a slot's serving thread is started with: the backends' SlotSpec (which model, how to run
// it) and the executor's ServingConfig (where to listen, what to report).
import type { SlotSpec } from '@flotilla/backends';
import { SUBJECTS } from '@flotilla/contracts';
import { needsResources } from '@flotilla/rate-limiting';
import type { ExecutorOptions } from './executor.options';
import type { SlotEntry } from './slot-entry';
import type { ServingConfig } from './slot-thread/serving-protocol';

export function slotSpecOf(entry: SlotEntry, options: ExecutorOptions, intraOpThreads: number): SlotSpec {
  const { plan } = entry;
  return {
    slotId: plan.slotId,
    modelName: plan.model,
    modelVersion: plan.version,
    modelPath: plan.modelPath,
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
    releaseSubject: needsResources(plan.rateLimiter.resources) ? SUBJECTS.slotReleasedGated : SUBJECTS.slotReleased,
    releaseBatch: options.releaseBatch,
    reportSpans,
  };
}
