// Turns a metadata shape with variable (-1) dimensions into the concrete shape a request sends.
import { elementSize } from '@flotilla/contracts';
import type { TensorMetadata } from './model-metadata';

export interface ShapeChoice {
  /** Explicit shapes by input name (perf_analyzer's --shape); they win over everything else. */
  readonly overrides?: Readonly<Record<string, readonly number[]>>;
  /**
   * Size each input to this many bytes by growing its last variable dimension: how an identity
   * model is given 1 MiB or 4 MiB tensors without knowing its dims.
   */
  readonly inputBytes?: number;
}

/**
 * Every -1 becomes 1 (batch size 1 for a batching model), except that with `inputBytes` the last
 * -1 takes whatever size makes the tensor that many bytes. Throws when that is impossible.
 */
export function resolveShape(tensor: TensorMetadata, choice: ShapeChoice = {}): number[] {
  const override = choice.overrides?.[tensor.name];
  if (override) {
    checkConcrete(tensor, override);
    return [...override];
  }
  const shape = tensor.shape.map((dim) => (dim === -1 ? 1 : dim));
  if (choice.inputBytes === undefined) return shape;

  const size = elementSize(tensor.datatype);
  if (size === undefined) throw new Error(`input '${tensor.name}': --input-bytes cannot size a BYTES tensor; use --shape`);
  const variable = tensor.shape.lastIndexOf(-1);
  if (variable === -1) throw new Error(`input '${tensor.name}' has no variable dimension to size to ${choice.inputBytes} bytes; use --shape`);
  const otherElements = shape.reduce((product, dim, index) => (index === variable ? product : product * dim), 1);
  const bytesPerStep = otherElements * size;
  if (choice.inputBytes % bytesPerStep !== 0 || choice.inputBytes === 0) {
    throw new Error(`input '${tensor.name}': ${choice.inputBytes} bytes is not a positive multiple of ${bytesPerStep} (one step of its last variable dimension)`);
  }
  shape[variable] = choice.inputBytes / bytesPerStep;
  return shape;
}

function checkConcrete(tensor: TensorMetadata, shape: readonly number[]): void {
  const fits = shape.length === tensor.shape.length && shape.every((dim, i) => Number.isInteger(dim) && dim >= 0 && (tensor.shape[i] === -1 || tensor.shape[i] === dim));
  if (!fits) throw new Error(`--shape for '${tensor.name}' is [${shape.join(',')}], which does not fit the model's [${tensor.shape.join(',')}]`);
}
