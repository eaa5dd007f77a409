// KServe v2 model metadata (`GET /v2/models/<m>`), as much of it as a load generator needs.
import { isDatatype, type Datatype } from '@flotilla/contracts';

export interface TensorMetadata {
  readonly name: string;
  readonly datatype: Datatype;
  /** -1 marks a variable dimension (the batch dimension of a batching model among them). */
  readonly shape: readonly number[];
}

export interface ModelMetadata {
  readonly name: string;
  readonly versions: readonly string[];
  readonly inputs: readonly TensorMetadata[];
  readonly outputs: readonly TensorMetadata[];
}

/** Checks a parsed metadata body; servers differ in extras, but these fields are required by the protocol. */
export function parseModelMetadata(value: unknown): ModelMetadata {
  if (typeof value !== 'object' || value === null) throw new Error('model metadata is not a JSON object');
  const body = value as Record<string, unknown>;
  return {
    name: String(body.name ?? ''),
    versions: Array.isArray(body.versions) ? body.versions.map(String) : [],
    inputs: tensorList(body.inputs, 'inputs'),
    outputs: tensorList(body.outputs ?? [], 'outputs'),
  };
}

function tensorList(value: unknown, field: string): TensorMetadata[] {
  if (!Array.isArray(value)) throw new Error(`model metadata has no '${field}' array`);
  return value.map((raw, index) => {
    const tensor = raw as Record<string, unknown>;
    const where = `model metadata ${field}[${index}]`;
    if (typeof tensor.name !== 'string') throw new Error(`${where} has no name`);
    if (!isDatatype(tensor.datatype)) throw new Error(`${where} ('${tensor.name}') has unknown datatype ${String(tensor.datatype)}`);
    if (!Array.isArray(tensor.shape) || !tensor.shape.every((d) => Number.isInteger(d))) {
      throw new Error(`${where} ('${tensor.name}') has no integer shape`);
    }
    return { name: tensor.name, datatype: tensor.datatype, shape: tensor.shape as number[] };
  });
}
