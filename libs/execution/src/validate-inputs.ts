import { elementCount, elementSize, invalidArg, type Datatype, type FlotillaError, type Tensor } from '@flotilla/contracts';

/** The parts of a model config that decide whether a request's tensors fit the model. */
export interface ModelSignature {
  readonly name: string;
  readonly max_batch_size: number;
  readonly input: readonly { readonly name: string; readonly datatype: Datatype; readonly dims: readonly number[]; readonly optional?: boolean }[];
  readonly output: readonly { readonly name: string }[];
}

/**
 * Checks a request's inputs and requested outputs against the model, before any bytes reach a
 * session: every required input present, no unknown ones, datatypes equal, shapes matching the
 * config's dims (with the batch dimension in front when max_batch_size > 0, at most
 * max_batch_size and the same across inputs), and byte sizes that agree with the shapes.
 * Messages follow Triton's wording and name the input, the model and both values.
 */
export function validateInferInputs(model: ModelSignature, inputs: readonly Tensor[], outputs: readonly string[], requestId?: string): void {
  const fail = (message: string): FlotillaError => invalidArg(requestId ? `[request id: ${requestId}] ${message}` : message);
  const expected = new Map(model.input.map((input) => [input.name, input]));

  const seen = new Set<string>();
  for (const tensor of inputs) {
    if (!expected.has(tensor.name)) throw fail(`unexpected inference input '${tensor.name}' for model '${model.name}'`);
    if (seen.has(tensor.name)) throw fail(`input '${tensor.name}' appears more than once in the request`);
    seen.add(tensor.name);
  }
  const missing = model.input.filter((input) => !input.optional && !seen.has(input.name)).map((input) => input.name);
  if (missing.length > 0) {
    throw fail(
      `expected ${model.input.filter((i) => !i.optional).length} inputs but got ${inputs.length} inputs for model '${model.name}'. ` +
        `Got input(s) [${[...seen].map((n) => `'${n}'`).join(', ')}], but missing required input(s) [${missing.map((n) => `'${n}'`).join(', ')}]. Please provide all required input(s).`,
    );
  }

  let batch: number | undefined;
  for (const tensor of inputs) {
    const spec = expected.get(tensor.name)!;
    if (tensor.datatype !== spec.datatype) {
      throw fail(`inference input '${tensor.name}' data-type is '${tensor.datatype}', but model '${model.name}' expects '${spec.datatype}'`);
    }
    const full = model.max_batch_size > 0 ? [-1, ...spec.dims] : [...spec.dims];
    if (!shapeMatches(full, tensor.shape)) {
      throw fail(`unexpected shape for input '${tensor.name}' for model '${model.name}'. Expected ${fmt(full)}, got ${fmt(tensor.shape)}`);
    }
    if (model.max_batch_size > 0) {
      const size = tensor.shape[0];
      if (size > model.max_batch_size) throw fail(`inference request batch-size must be <= ${model.max_batch_size} for '${model.name}'`);
      if (batch !== undefined && size !== batch) throw fail(`input '${tensor.name}' has batch size ${size} but other inputs have ${batch} for model '${model.name}'`);
      batch = size;
    }
    const width = elementSize(tensor.datatype);
    if (width !== undefined) {
      const bytes = elementCount(tensor.shape) * width;
      if (bytes !== tensor.data.byteLength) {
        throw fail(`input byte size mismatch for input '${tensor.name}' for model '${model.name}'. Expected ${bytes}, got ${tensor.data.byteLength}`);
      }
    }
  }

  const known = new Set(model.output.map((output) => output.name));
  for (const name of outputs) {
    if (!known.has(name)) throw fail(`unexpected inference output '${name}' for model '${model.name}'`);
  }
}

function shapeMatches(expected: readonly number[], actual: readonly number[]): boolean {
  if (expected.length !== actual.length) return false;
  return expected.every((dim, i) => dim === -1 || dim === actual[i]);
}

const fmt = (shape: readonly number[]) => `[${shape.join(',')}]`;
