import type { Tensor } from '@flotilla/contracts';

/** A validated request of a batch, as far as grouping needs it. */
export interface BatchableRequest {
  readonly inputs: readonly Tensor[];
  /** Its rows: dim 0 of its inputs (1 for a model that does not batch). */
  readonly batchSize: number;
}

/**
 * Which requests of a batch run together, as index lists in request order, one list per execution,
 * in the order of each list's first request. Requests run together only when their inputs can be
 * joined along dim 0 — the same input names, datatypes and dimensions beyond the first — and while
 * their rows stay within max_batch_size. The scheduler batches only such requests; this is the
 * executor's guard, so that a batch it could not join runs as several executions instead of
 * failing. A model with max_batch_size 0 has no batch dimension: each request runs alone.
 */
export function groupIntoExecutions(requests: readonly BatchableRequest[], maxBatchSize: number): number[][] {
  if (maxBatchSize <= 0) return requests.map((_, index) => [index]);
  const groups: { key: string; rows: number; members: number[] }[] = [];
  requests.forEach((request, index) => {
    const key = joinKey(request.inputs);
    const open = groups.find((group) => group.key === key && group.rows + request.batchSize <= maxBatchSize);
    if (open) {
      open.members.push(index);
      open.rows += request.batchSize;
    } else {
      groups.push({ key, rows: request.batchSize, members: [index] });
    }
  });
  return groups.map((group) => group.members);
}

/** Equal for requests whose inputs can be joined along dim 0. */
function joinKey(inputs: readonly Tensor[]): string {
  return inputs
    .map((tensor) => `${tensor.name}\u0000${tensor.datatype}\u0000${tensor.shape.slice(1).join(',')}`)
    .sort()
    .join('\u0001');
}
