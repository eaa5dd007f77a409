// One perf_analyzer-style run against a KServe v2 server: fetch the model's metadata, build the
// request once, then measure each concurrency (or request rate) level until stable. Used by the
// CLI (main.ts) and by the benchmark suite.
import { KeepAliveClient } from './http/keep-alive-client';
import { breakdownBetween, parseInferenceStats, type InferenceStatsSnapshot, type ServerBreakdown } from './http/server-stats';
import { ConcurrencyLoad, RequestRateLoad, type LoadDriver } from './load/load-driver';
import { measureUntilStable, type Measurement } from './load/measure-until-stable';
import { WindowRecorder } from './load/window-recorder';
import { buildInferRequestBody, type InferRequestBody, type WireProtocol } from './request/infer-request-body';
import { parseModelMetadata } from './request/model-metadata';
import type { InputDataMode } from './request/tensor-data';
import type { WindowFigures } from './stats/window';

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
  const client = new KeepAliveClient(options.url, maxInFlight, options.requestTimeoutMs);
  try {
    const modelPath = `/v2/models/${encodeURIComponent(options.model)}${options.modelVersion ? `/versions/${options.modelVersion}` : ''}`;
    const metadata = await client.getJson(modelPath);
    if (metadata.status !== 200) throw new Error(`GET ${modelPath} answered ${metadata.status}: ${JSON.stringify(metadata.json)}`);
    const request = buildInferRequestBody(parseModelMetadata(metadata.json), options);
    const send = () => client.post(`${modelPath}/infer`, request.body, request.headers);

    // One request first: a wrong shape or an unknown model should fail loudly here, not as a run of errors.
    const probe = await send();
    if (probe.status !== 200) throw new Error(`a first inference request failed with HTTP ${probe.status}: ${probe.errorText ?? ''}`);

    const levels: PerfLevelResult[] = [];
    for (const level of options.levels) {
      const recorder = new WindowRecorder();
      const driver: LoadDriver =
        options.mode === 'concurrency' ? new ConcurrencyLoad(level, send, recorder, request.tensorBytes) : new RequestRateLoad(level, send, recorder, request.tensorBytes);
      const before = await statsSnapshot(client, modelPath);
      const measurement = await measureUntilStable(driver, recorder, { ...options, onWindow: (figures, index) => options.onWindow?.(level, figures, index) });
      const after = before && (await statsSnapshot(client, modelPath));
      const server = before && after ? breakdownBetween(before, after) : undefined;
      levels.push({ ...measurement, mode: options.mode, level, ...(server ? { server } : {}), ...(recorder.firstError ? { firstError: recorder.firstError } : {}) });
    }
    return { url: options.url, model: options.model, protocol: options.protocol, shapes: request.shapes, requestBytes: request.body.byteLength, tensorBytes: request.tensorBytes, levels };
  } finally {
    client.close();
  }
}

async function statsSnapshot(client: KeepAliveClient, modelPath: string): Promise<InferenceStatsSnapshot | undefined> {
  try {
    const response = await client.getJson(`${modelPath}/stats`);
    return response.status === 200 ? parseInferenceStats(response.json) : undefined;
  } catch {
    return undefined;
  }
}
