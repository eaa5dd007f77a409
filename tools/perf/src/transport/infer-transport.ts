// What a perf run needs from a server, whichever protocol it speaks: the model's metadata, a
// prepared request it can send again and again, and the statistics that break a run's latency
// into queue and compute.
import type { InferenceStatsSnapshot } from '../http/server-stats';
import type { SendRequest } from '../load/load-driver';
import type { RequestOptions, WireProtocol } from '../request/infer-request-body';
import type { ModelMetadata } from '../request/model-metadata';

export interface PreparedInfer {
  readonly send: SendRequest;
  readonly requestBytes: number;
  readonly tensorBytes: number;
  readonly shapes: Readonly<Record<string, readonly number[]>>;
}

export interface InferTransport {
  modelMetadata(model: string, version: string | undefined): Promise<ModelMetadata>;
  prepare(metadata: ModelMetadata, model: string, version: string | undefined, options: RequestOptions): PreparedInfer;
  /** Undefined when the server offers no statistics. */
  statistics(model: string, version: string | undefined): Promise<InferenceStatsSnapshot | undefined>;
  close(): void;
}

export interface TransportOptions {
  /** `http://host:port` for HTTP, `host:port` for gRPC. */
  readonly url: string;
  readonly protocol: WireProtocol;
  readonly maxInFlight: number;
  readonly requestTimeoutMs?: number;
}
