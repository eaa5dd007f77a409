// The server-side breakdown of a request (queue wait, compute), from Triton's statistics
// extension: `GET /v2/models/<m>/stats` holds cumulative counts and nanoseconds; the difference
// between a snapshot before and after the measurement gives the averages for the run alone.
// Servers without the extension (Flotilla today) answer an error: the breakdown is then "n/a".

export interface DurationStat {
  readonly count: number;
  readonly ns: number;
}

export interface InferenceStatsSnapshot {
  readonly success: DurationStat;
  readonly queue: DurationStat;
  readonly computeInput: DurationStat;
  readonly computeInfer: DurationStat;
  readonly computeOutput: DurationStat;
}

/** Average microseconds per request for each phase, over the measured period. */
export interface ServerBreakdown {
  readonly requests: number;
  readonly queueUs: number;
  readonly computeInputUs: number;
  readonly computeInferUs: number;
  readonly computeOutputUs: number;
}

/** Reads a stats body for one model (all its versions summed); undefined when it has none. */
export function parseInferenceStats(body: unknown): InferenceStatsSnapshot | undefined {
  const models = (body as { model_stats?: unknown } | undefined)?.model_stats;
  if (!Array.isArray(models) || models.length === 0) return undefined;
  const sum = (key: string): DurationStat =>
    models.reduce<DurationStat>(
      (total, model) => {
        const stat = (model as { inference_stats?: Record<string, { count?: unknown; ns?: unknown }> }).inference_stats?.[key];
        return { count: total.count + Number(stat?.count ?? 0), ns: total.ns + Number(stat?.ns ?? 0) };
      },
      { count: 0, ns: 0 },
    );
  return { success: sum('success'), queue: sum('queue'), computeInput: sum('compute_input'), computeInfer: sum('compute_infer'), computeOutput: sum('compute_output') };
}

export function breakdownBetween(before: InferenceStatsSnapshot, after: InferenceStatsSnapshot): ServerBreakdown | undefined {
  const requests = after.success.count - before.success.count;
  if (requests <= 0) return undefined;
  const averageUs = (key: keyof InferenceStatsSnapshot) => {
    const count = after[key].count - before[key].count;
    return count > 0 ? (after[key].ns - before[key].ns) / count / 1000 : 0;
  };
  return {
    requests,
    queueUs: averageUs('queue'),
    computeInputUs: averageUs('computeInput'),
    computeInferUs: averageUs('computeInfer'),
    computeOutputUs: averageUs('computeOutput'),
  };
}
