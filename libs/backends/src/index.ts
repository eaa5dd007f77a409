// @flotilla/backends: execution backends — ONNX Runtime and JavaScript models, one worker thread
// per instance slot. The owner of a slot supplies the thread script (the executor's serving
// thread); SlotWorker runs its lifecycle from the owner's side, SlotThreadContext from the
// thread's. The runner modules are required lazily, so the onnxruntime-node addon loads only
// where a model is loaded.
export { SlotWorker } from './slot-worker';
export type { SlotWorkerOptions, SlotExitListener } from './slot-worker';
export { SlotThreadContext } from './slot-thread-context';
export { loadRunner } from './runners/load-runner';
export type { ModelRunner, RunTiming } from './runners/model-runner';
export type { SlotThreadData, ThreadMessage, CloseThread } from './slot-messages';
export { describeSlot } from './slot-spec';
export type { SlotSpec, SlotBackend, SlotExit } from './slot-spec';
export { IllegalWorkerTransitionError } from './worker-state';
export type { WorkerState } from './worker-state';
export { defaultIntraOpThreads, oversubscriptionWarning } from './thread-budget';
export type { JavascriptTensor } from './runners/javascript-tensors';
export type { JavascriptModelContext } from './runners/javascript-runner';
