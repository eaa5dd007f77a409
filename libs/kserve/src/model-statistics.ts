import { invalidArg, type BatchStatistics, type DurationStat, type ModelRecord, type SlotStatistics, type StatisticsSnapshot } from '@flotilla/contracts';

const NONE: DurationStat = { count: 0, ns: 0 };

/**
 * Triton's statistics extension (`GET /v2/models[/<m>[/versions/<v>]]/stats`): one entry per READY
 * model version, from the deployment's statistics, exact as of the read (the scheduler flushes
 * every executor first: docs/metrics.md). `compute_input` is the slot thread's time from a
 * payload's arrival to the model's run (reading, checking and, for a batch, joining the inputs,
 * and the backend's input tensors), `compute_infer` the run, and `compute_output` reading the
 * outputs back, cutting them per request and encoding the replies. `batch_stats` has one
 * row per executed batch size, counting executions. There is no response cache, so cache hits and
 * misses are 0.
 */
export function modelStatistics(records: readonly ModelRecord[], snapshot: StatisticsSnapshot, model?: string, version?: string) {
  const selected = model === undefined ? records : records.filter((record) => record.name === model);
  if (model !== undefined && (selected.length === 0 || !selected[0].versions.some((v) => v.state === 'READY'))) {
    throw invalidArg(`requested model '${model}' is not available`);
  }
  const rows = selected.flatMap((record) =>
    record.versions.filter((v) => v.state === 'READY' && (version === undefined || String(v.version) === version)).map((v) => ({ name: record.name, version: v.version })),
  );
  if (model !== undefined && version !== undefined && rows.length === 0) throw invalidArg(`requested model version is not available for model '${model}'`);
  const stats = new Map(snapshot.models.map((entry) => [`${entry.name}/${entry.version}`, entry.stats]));
  return { model_stats: rows.map(({ name, version: v }) => tritonEntry(name, v, stats.get(`${name}/${v}`))) };
}

function tritonEntry(name: string, version: number, stats: SlotStatistics | undefined) {
  const s = stats ?? { success: NONE, fail: NONE, queue: NONE, computeInput: NONE, computeInfer: NONE, computeOutput: NONE, inferenceCount: 0, executionCount: 0, lastInference: 0, batches: {}, failures: { REJECTED: 0, CANCELED: 0, BACKEND: 0, OTHER: 0 } };
  return {
    name,
    version: String(version),
    last_inference: s.lastInference,
    inference_count: s.inferenceCount,
    execution_count: s.executionCount,
    inference_stats: {
      success: s.success,
      fail: s.fail,
      queue: s.queue,
      compute_input: s.computeInput,
      compute_infer: s.computeInfer,
      compute_output: s.computeOutput,
      cache_hit: NONE,
      cache_miss: NONE,
    },
    response_stats: {},
    batch_stats: Object.entries(s.batches)
      .map(([size, stat]) => batchRow(Number(size), stat))
      .sort((a, b) => a.batch_size - b.batch_size),
    memory_usage: [],
  };
}

function batchRow(batchSize: number, stat: BatchStatistics) {
  return {
    batch_size: batchSize,
    compute_input: { count: stat.count, ns: stat.computeInputNs },
    compute_infer: { count: stat.count, ns: stat.computeInferNs },
    compute_output: { count: stat.count, ns: stat.computeOutputNs },
  };
}
