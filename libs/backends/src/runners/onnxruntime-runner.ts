// The onnxruntime backend: one InferenceSession per slot. `session.run` blocks the slot's thread
// for the whole inference, which is the point: the main thread and the other slots stay free.
import { InferenceSession } from 'onnxruntime-node';
import { fromOrtTensor, toOrtTensor } from '../ort-tensor-conversion';
import { sessionOptionsFor } from '../session-options';
import type { SlotSpec } from '../slot-spec';
import { epochNowMs, type ModelRunner } from './model-runner';

export async function createOnnxRuntimeRunner(spec: SlotSpec): Promise<ModelRunner> {
  const session = await InferenceSession.create(spec.modelPath, sessionOptionsFor(spec));
  return {
    inputNames: [...session.inputNames],
    outputNames: [...session.outputNames],
    async run(inputs, outputNames, timing) {
      const feeds = Object.fromEntries(inputs.map((tensor) => [tensor.name, toOrtTensor(tensor)]));
      // Making the input tensors is compute_input; reading the outputs back, compute_output.
      if (timing) timing.inferStartMs = epochNowMs();
      const results = await session.run(feeds, [...outputNames]);
      if (timing) timing.inferEndMs = epochNowMs();
      return outputNames.map((name) => fromOrtTensor(name, results[name]));
    },
    release: () => session.release(),
  };
}
