// The javascript backend, Flotilla's counterpart of Triton's Python backend: a model directory
// holding `model.js` whose `execute` runs inside the slot's own worker thread, so custom pre- and
// post-processing gets the same instance groups, placement and concurrency as any model.
//
//   module.exports = {
//     initialize(context) {},                       // optional, once per slot
//     async execute(inputs, context) { return { OUTPUT0: { datatype, shape, data } } },
//     finalize() {},                                // optional, when the slot closes
//   };
//
// `inputs` maps each input name to { datatype, shape, data } (a typed array, or Buffers for BYTES);
// `context` is { modelName, modelVersion, slotId, instance, device, parameters }.
import { FlotillaError, type Tensor } from '@flotilla/contracts';
import type { SlotSpec } from '../slot-spec';
import { fromJavascriptTensor, toJavascriptTensor, type JavascriptTensor } from './javascript-tensors';
import type { ModelRunner } from './model-runner';

interface JavascriptModel {
  initialize?(context: JavascriptModelContext): unknown;
  execute(inputs: Record<string, JavascriptTensor>, context: JavascriptModelContext): unknown;
  finalize?(): unknown;
}

export interface JavascriptModelContext {
  readonly modelName: string;
  readonly modelVersion: number;
  readonly slotId: string;
  readonly device: string;
  readonly parameters: Readonly<Record<string, string>>;
}

export async function createJavascriptRunner(spec: SlotSpec): Promise<ModelRunner> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the model is user code found at run time
  const model = require(spec.modelPath) as Partial<JavascriptModel>;
  if (typeof model.execute !== 'function') throw new Error(`${spec.modelPath} does not export an execute(inputs, context) function`);
  const context: JavascriptModelContext = {
    modelName: spec.modelName,
    modelVersion: spec.modelVersion,
    slotId: spec.slotId,
    device: spec.device ?? 'cpu',
    parameters: spec.parameters ?? {},
  };
  await model.initialize?.(context);
  const execute = model.execute.bind(model);

  return {
    inputNames: spec.inputNames ?? [],
    outputNames: spec.outputNames ?? [],
    async run(inputs: readonly Tensor[], outputNames: readonly string[]) {
      const given = Object.fromEntries(inputs.map((tensor) => [tensor.name, toJavascriptTensor(tensor)]));
      let result: unknown;
      try {
        result = await execute(given, context);
      } catch (error) {
        throw new FlotillaError('INTERNAL', `javascript model '${spec.modelName}' failed: ${error instanceof Error ? error.message : String(error)}`);
      }
      const outputs = (result ?? {}) as Record<string, unknown>;
      return outputNames.map((name) => {
        if (!(name in outputs)) throw new FlotillaError('INTERNAL', `javascript model '${spec.modelName}' did not return output '${name}'`);
        return fromJavascriptTensor(name, outputs[name], spec.modelName);
      });
    },
    release: async () => {
      await model.finalize?.();
    },
  };
}
