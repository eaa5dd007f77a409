import { elementCount, elementSize, internal, type Tensor } from '@flotilla/contracts';

/**
 * The outputs a response carries: those the request named, in its order, or every output the model
 * produced when it named none (KServe v2, both protocols).
 */
export function selectOutputs<T extends { readonly name: string }>(outputs: readonly Tensor[], requested: readonly T[]): { tensor: Tensor; requested?: T }[] {
  if (requested.length === 0) return outputs.map((tensor) => ({ tensor }));
  return requested.map((output) => {
    const tensor = outputs.find((candidate) => candidate.name === output.name);
    if (!tensor) throw internal(`the model produced no output '${output.name}', which the request asked for`);
    return { tensor, requested: output };
  });
}

/** Raw output bytes whose length contradicts the shape would desynchronise the client's parser. */
export function checkRawOutputSize(tensor: Tensor): void {
  const size = elementSize(tensor.datatype);
  if (size !== undefined && tensor.data.byteLength !== size * elementCount(tensor.shape)) {
    throw internal(`output '${tensor.name}' has ${tensor.data.byteLength} bytes, but shape [${tensor.shape.join(',')}] of ${tensor.datatype} needs ${size * elementCount(tensor.shape)}`);
  }
}
