// Inputs for the in-process baselines, built from the same metadata and generator as the HTTP
// requests, so every contender computes on identical tensors.
import type { Tensor } from '@flotilla/contracts';
import type { TensorMetadata } from '../request/model-metadata';
import { resolveShape } from '../request/resolve-shape';
import { tensorValues } from '../request/tensor-data';

export function sampleInputs(inputs: readonly TensorMetadata[], seed = 1): Tensor[] {
  return inputs.map((input, index) => {
    const shape = resolveShape(input);
    return { name: input.name, datatype: input.datatype, shape, data: tensorValues(input.datatype, shape, 'random', seed + index).bytes };
  });
}

/** A fresh copy whose buffers a worker may take over (WorkerInstance transfers, i.e. detaches, them). */
export function transferableCopy(tensors: readonly Tensor[]): Tensor[] {
  return tensors.map((tensor) => ({ ...tensor, data: new Uint8Array(tensor.data) }));
}
