import { invalidArg, type DurationStat, type ModelRecord, type SlotStatistics, type StatisticsSnapshot } from '@flotilla/contracts';

const NONE: DurationStat = { count: 0, ns: 0 };

/**
 * Triton's statistics extension (`GET /v2/models[/<m>[/versions/<v>]]/stats`): one entry per READY
 * model version, from the per-slot counters the executors announce (so figures lag by up to one
 * heartbeat). Flotilla measures compute as one span — input conversion, run and output conversion
 * in the slot's thread — and reports it all as `compute_infer`; `compute_input`/`compute_output`
 * carry the counts with 0 ns. There is no response cache, so cache hits and misses are 0.
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
  const s = stats ?? { success: NONE, fail: NONE, queue: NONE, computeInfer: NONE, inferenceCount: 0, executionCount: 0, lastInference: 0, batches: {} };
  const countsOnly = (stat: DurationStat): DurationStat => ({ count: stat.count, ns: 0 });
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
      compute_input: countsOnly(s.computeInfer),
      compute_infer: s.computeInfer,
      compute_output: countsOnly(s.computeInfer),
      cache_hit: NONE,
      cache_miss: NONE,
    },
    response_stats: {},
    batch_stats: Object.entries(s.batches)
      .map(([size, stat]) => ({ batch_size: Number(size), compute_input: countsOnly(stat), compute_infer: stat, compute_output: countsOnly(stat) }))
      .sort((a, b) => a.batch_size - b.batch_size),
    memory_usage: [],
  };
}
