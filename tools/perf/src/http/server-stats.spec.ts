import { breakdownBetween, parseInferenceStats } from './server-stats';

const tritonStats = (success: number, queueNs: number, inferNs: number) => ({
  model_stats: [
    {
      name: 'simple',
      version: '1',
      inference_stats: {
        success: { count: success, ns: success * 1_000_000 },
        fail: { count: 0, ns: 0 },
        queue: { count: success, ns: queueNs },
        compute_input: { count: success, ns: success * 10_000 },
        compute_infer: { count: success, ns: inferNs },
        compute_output: { count: success, ns: success * 5_000 },
      },
    },
  ],
});

describe('server statistics', () => {
  it('averages each phase over the requests between two snapshots', () => {
    const before = parseInferenceStats(tritonStats(100, 1_000_000, 5_000_000))!;
    const after = parseInferenceStats(tritonStats(300, 5_000_000, 25_000_000))!;
    expect(breakdownBetween(before, after)).toEqual({ requests: 200, queueUs: 20, computeInputUs: 10, computeInferUs: 100, computeOutputUs: 5 });
  });

  it('has no breakdown when nothing ran, or when the server sent no statistics', () => {
    const same = parseInferenceStats(tritonStats(5, 1, 1))!;
    expect(breakdownBetween(same, same)).toBeUndefined();
    expect(parseInferenceStats({ error: 'the statistics extension is not implemented yet' })).toBeUndefined();
    expect(parseInferenceStats(undefined)).toBeUndefined();
  });
});
