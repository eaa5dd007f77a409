// One perf_analyzer-style run against a KServe v2 server: fetch the model's metadata, build the
// request once, then measure each concurrency (or request rate) level until stable. Used by the
// CLI (main.ts) and by the benchmark suite.
import { breakdownBetween, type ServerBreakdown } from './http/server-stats';
import { ConcurrencyLoad, RequestRateLoad, type LoadDriver } from './load/load-driver';
import { measureUntilStable, type Measurement } from './load/measure-until-stable';
import { WindowRecorder } from './load/window-recorder';
import type { InferRequestBody, WireProtocol } from './request/infer-request-body';
import type { InputDataMode } from './request/tensor-data';
import type { WindowFigures } from './stats/window';
import { openTransport } from './transport/open-transport';

export type LoadMode = 'concurrency' | 'request-rate';

export interface PerfRunOptions {
  readonly url: string;
  readonly model: string;
  readonly modelVersion?: string;
  readonly protocol: WireProtocol;
  readonly mode: LoadMode;
  /** Concurrency levels or request rates (per second), measured in order. */
  readonly levels: readonly number[];
  readonly inputBytes?: number;
  readonly shapes?: Readonly<Record<string, readonly number[]>>;
  readonly inputData?: InputDataMode;
  readonly parameters?: Readonly<Record<string, string | number | boolean>>;
  readonly windowMs: number;
  readonly stability: number;
  readonly maxWindows: number;
  readonly warmupMs: number;
  /** A request unanswered this long counts as failed (default 60 s). */
  readonly requestTimeoutMs?: number;
  /** Called after every window, for a progress display. */
  readonly onWindow?: (level: number, figures: WindowFigures, index: number) => void;
}

export interface PerfLevelResult extends Measurement {
  readonly mode: LoadMode;
  readonly level: number;
  /** Queue and compute averages from the server's statistics; undefined when it offers none. */
  readonly server?: ServerBreakdown;
  readonly firstError?: string;
}

export interface PerfRunResult {
  readonly url: string;
  readonly model: string;
  readonly protocol: WireProtocol;
  readonly shapes: InferRequestBody['shapes'];
  readonly requestBytes: number;
  readonly tensorBytes: number;
  readonly levels: PerfLevelResult[];
}

export async function runPerf(options: PerfRunOptions): Promise<PerfRunResult> {
  const maxInFlight = options.mode === 'concurrency' ? Math.max(...options.levels) : 256;
  const transport = openTransport({ url: options.url, protocol: options.protocol, maxInFlight, requestTimeoutMs: options.requestTimeoutMs });
  try {
    const metadata = await transport.modelMetadata(options.model, options.modelVersion);
    const request = transport.prepare(metadata, options.model, options.modelVersion, options);
    // One request first: a wrong shape or an unknown model should fail loudly here, not as a run of errors.
    const probe = await request.send();
    if (!probe.ok) throw new Error(`a first inference request failed: ${probe.failure ?? ''}`);

    const levels: PerfLevelResult[] = [];
    for (const level of options.levels) {
      const recorder = new WindowRecorder();
      const driver: LoadDriver =
        options.mode === 'concurrency' ? new ConcurrencyLoad(level, request.send, recorder, request.tensorBytes) : new RequestRateLoad(level, request.send, recorder, request.tensorBytes);
      const before = await transport.statistics(options.model, options.modelVersion);
      const measurement = await measureUntilStable(driver, recorder, { ...options, onWindow: (figures, index) => options.onWindow?.(level, figures, index) });
      const after = before && (await transport.statistics(options.model, options.modelVersion));
      const server = before && after ? breakdownBetween(before, after) : undefined;
      levels.push({ ...measurement, mode: options.mode, level, ...(server ? { server } : {}), ...(recorder.firstError ? { firstError: recorder.firstError } : {}) });
    }
    return { url: options.url, model: options.model, protocol: options.protocol, shapes: request.shapes, requestBytes: request.requestBytes, tensorBytes: request.tensorBytes, levels };
  } finally {
    transport.close();
  }
}
