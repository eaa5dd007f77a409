// ONNX Runtime session options for a slot: thread counts from the spec, full graph optimisation,
// and the execution provider for the slot's device.
import type { InferenceSession } from 'onnxruntime-node';
import type { SlotSpec } from './slot-spec';

export function sessionOptionsFor(spec: SlotSpec): InferenceSession.SessionOptions {
  return {
    intraOpNumThreads: spec.intraOpThreads,
    interOpNumThreads: spec.interOpThreads,
    graphOptimizationLevel: 'all',
    executionProviders: executionProvidersFor(spec),
  };
}

function executionProvidersFor(spec: SlotSpec): InferenceSession.ExecutionProviderConfig[] {
  switch (spec.executionProvider) {
    case 'cpu':
      return ['cpu'];
    case 'cuda':
      return [{ name: 'cuda', deviceId: spec.deviceId }];
    case 'tensorrt':
      // Nodes TensorRT cannot take fall back to CUDA on the same GPU rather than to the CPU,
      // as in Triton's onnxruntime backend with the TensorRT accelerator.
      return [
        { name: 'tensorrt', deviceId: spec.deviceId },
        { name: 'cuda', deviceId: spec.deviceId },
      ];
  }
}
