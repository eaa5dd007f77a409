/** One instance slot: one loaded copy of one model version, run on its own worker thread. */
export interface SlotSpec {
  readonly slotId: string;
  readonly modelName: string;
  readonly modelVersion: number;
  readonly modelPath: string;
  /** Which runner the slot's thread loads: an ONNX Runtime session, or a JavaScript model (`model.js`). */
  readonly backend: SlotBackend;
  readonly executionProvider: 'cpu' | 'cuda' | 'tensorrt';
  readonly deviceId: number;
  readonly intraOpThreads: number;
  readonly interOpThreads: number;
  /** The executor's device (`cpu`, `gpu:N`), told to JavaScript models. */
  readonly device?: string;
  /** The model config's tensor names: JavaScript models have no graph to read them from. */
  readonly inputNames?: readonly string[];
  readonly outputNames?: readonly string[];
  /** The model config's `parameters`, as strings. */
  readonly parameters?: Readonly<Record<string, string>>;
}

export type SlotBackend = 'onnxruntime' | 'javascript';

/** Reported to `on('exit')` listeners whenever the slot's thread ends. */
export interface SlotExit {
  readonly slotId: string;
  readonly exitCode: number;
  /** False after close(); true when the thread died on its own (crash, OOM, terminated from outside). */
  readonly unexpected: boolean;
  /** The uncaught error that killed the thread, when there was one. */
  readonly error?: Error;
}

export function describeSlot(spec: SlotSpec): string {
  return `slot ${spec.slotId} (model '${spec.modelName}' version ${spec.modelVersion})`;
}
