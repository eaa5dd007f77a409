import type { Datatype } from '@flotilla/contracts';

interface InputDescriptor {
  readonly name: string;
  readonly datatype: Datatype;
  readonly shape: readonly number[];
}

/**
 * What the dynamic batcher needs to know of a request of a batching model (`max_batch_size` > 0):
 * its batch size (the first dimension of its inputs) and a key that only requests whose inputs
 * can be concatenated along that dimension share (the same names, datatypes and remaining dims,
 * in the same order). Inputs that disagree on the batch size get a key of their own: the executor
 * refuses such a request, and it must not take a batch down with it.
 */
let unbatchable = 0;

export function batchKeyOf(inputs: readonly InputDescriptor[]): { batchSize: number; shapeKey: string } {
  const batchSize = inputs[0]?.shape[0] ?? 1;
  let shapeKey = '';
  for (const input of inputs) {
    if (input.shape[0] !== batchSize) return { batchSize: Math.max(1, batchSize), shapeKey: `\u0000unbatchable ${unbatchable++}` };
    shapeKey += `${input.name}\u0000${input.datatype}\u0000${input.shape.slice(1).join(',')}\u0001`;
  }
  return { batchSize: Math.max(1, batchSize), shapeKey };
}
