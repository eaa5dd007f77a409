// @flotilla/backends: execution backends. Today: ONNX Runtime, one worker thread per instance slot.
// Only main-thread code is exported; the onnxruntime-node addon loads inside the worker threads.
export { SlotWorker } from './slot-worker';
// For the executor's serving thread: it loads its runner itself (the runners are required lazily).
export { loadRunner } from './runners/load-runner';
export type { ModelRunner } from './runners/model-runner';
export type { SlotThreadData, ExtensionMessage, FromSlotThread } from './slot-messages';
export type { SlotWorkerOptions, SlotExitListener } from './slot-worker';
export type { SlotSpec, SlotBackend, ExecuteResult, SlotState, SlotExit } from './slot-spec';
export { IllegalSlotTransitionError } from './slot-state';
export { defaultIntraOpThreads, oversubscriptionWarning } from './thread-budget';
export type { JavascriptTensor } from './runners/javascript-tensors';
export type { JavascriptModelContext } from './runners/javascript-runner';
