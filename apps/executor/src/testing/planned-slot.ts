import type { PlannedSlot } from '@flotilla/execution';

/** A slot plan for unit tests: one instance of `double` on cpu-1, with what a test overrides. */
export function plannedSlot(overrides: Partial<PlannedSlot> = {}): PlannedSlot {
  return {
    slotId: 'cpu-1/double/1/double_0',
    model: 'double',
    version: 1,
    modelPath: '/models/double/1/model.onnx',
    group: 'double',
    instance: 'double_0',
    passive: false,
    rateLimiter: { resources: [], priority: 1 },
    backend: 'onnxruntime',
    signature: 'double|cpu',
    parameters: {},
    ...overrides,
  };
}
