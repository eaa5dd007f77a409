// Loads a slot's model with its backend's runner. Runs inside a slot's worker thread: the runner
// modules are required lazily, so that a JavaScript slot never loads the onnxruntime addon and the
// executor's main thread, which imports this library too, loads neither.
import type { SlotSpec } from '../slot-spec';
import type * as JavascriptRunner from './javascript-runner';
import type { ModelRunner } from './model-runner';
import type * as OnnxRuntimeRunner from './onnxruntime-runner';

/* eslint-disable @typescript-eslint/no-require-imports */
export async function loadRunner(spec: SlotSpec): Promise<ModelRunner> {
  switch (spec.backend) {
    case 'onnxruntime':
      return (require('./onnxruntime-runner') as typeof OnnxRuntimeRunner).createOnnxRuntimeRunner(spec);
    case 'javascript':
      return (require('./javascript-runner') as typeof JavascriptRunner).createJavascriptRunner(spec);
    default:
      throw new Error(`unknown backend '${String(spec.backend)}'`);
  }
}
/* eslint-enable @typescript-eslint/no-require-imports */
