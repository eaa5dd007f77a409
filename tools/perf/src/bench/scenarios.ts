// What `npm run bench` measures, on every contender (the baseline server and Flotilla), with the
// figure each scenario is judged on.
import type { WireProtocol } from '../request/infer-request-body';
import { MATMUL_COUNT1, MATMUL_COUNT2, SIMPLE_DYNAMIC } from './bench-repository';

export type Metric = 'p50_ms' | 'infer_per_s' | 'mb_per_s' | 'scaling';

export interface LoadPoint {
  readonly model: string;
  readonly protocol: WireProtocol;
  readonly concurrency: number;
  readonly inputBytes?: number;
  /**
   * The model Flotilla runs instead of `model`: a variant with a feature of Flotilla's on (dynamic
   * batching), measured against the baseline server running `model` plainly.
   */
  readonly flotillaModel?: string;
}

export interface Scenario {
  /** Also the name on its `ratio` line, so it says what was measured and in which unit. */
  readonly id: string;
  readonly metric: Metric;
  /** One load point; `scaling` has two, and its figure is the second's throughput over the first's. */
  readonly points: readonly LoadPoint[];
  /**
   * For a protocol the baseline server does not speak (gRPC): the scenario whose baseline figure
   * this one is judged against — the same load over binary HTTP.
   */
  readonly baselineFrom?: string;
}

const MiB = 1024 * 1024;

export const SCENARIOS: readonly Scenario[] = [
  { id: 'simple_c1_json_p50_ms', metric: 'p50_ms', points: [{ model: 'simple', protocol: 'json', concurrency: 1 }] },
  { id: 'simple_c1_binary_p50_ms', metric: 'p50_ms', points: [{ model: 'simple', protocol: 'binary', concurrency: 1 }] },
  { id: 'simple_c32_json_infer_per_s', metric: 'infer_per_s', points: [{ model: 'simple', protocol: 'json', concurrency: 32 }] },
  { id: 'simple_c32_binary_infer_per_s', metric: 'infer_per_s', points: [{ model: 'simple', protocol: 'binary', concurrency: 32 }] },
  { id: 'simple_c1_grpc_p50_ms', metric: 'p50_ms', points: [{ model: 'simple', protocol: 'grpc', concurrency: 1 }], baselineFrom: 'simple_c1_binary_p50_ms' },
  { id: 'simple_c32_grpc_infer_per_s', metric: 'infer_per_s', points: [{ model: 'simple', protocol: 'grpc', concurrency: 32 }], baselineFrom: 'simple_c32_binary_infer_per_s' },
  // Flotilla batching `simple` (dynamic_batching {}) against the baseline server running each request alone.
  { id: 'simple_dynamic_c32_binary_infer_per_s', metric: 'infer_per_s', points: [{ model: 'simple', flotillaModel: SIMPLE_DYNAMIC, protocol: 'binary', concurrency: 32 }] },
  {
    id: 'matmul_c4_count2_over_count1',
    metric: 'scaling',
    points: [
      { model: MATMUL_COUNT1, protocol: 'binary', concurrency: 4 },
      { model: MATMUL_COUNT2, protocol: 'binary', concurrency: 4 },
    ],
  },
  { id: 'identity_1MiB_c4_binary_mb_per_s', metric: 'mb_per_s', points: [{ model: 'identity_fp32', protocol: 'binary', concurrency: 4, inputBytes: MiB }] },
  { id: 'identity_4MiB_c4_binary_mb_per_s', metric: 'mb_per_s', points: [{ model: 'identity_fp32', protocol: 'binary', concurrency: 4, inputBytes: 4 * MiB }] },
];
