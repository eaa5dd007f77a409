// KServe v2 over gRPC (one @grpc/grpc-js channel, every request multiplexed on it, as
// perf_analyzer's gRPC client does), raw tensor contents.
import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { createGrpcClient, INFERENCE_SERVICE, unaryCall, type GrpcClient } from '@flotilla/kserve-grpc';
import { parseInferenceStats, type InferenceStatsSnapshot } from '../http/server-stats';
import type { InferOutcome } from '../load/infer-outcome';
import { buildGrpcInferRequest } from '../request/grpc-infer-request';
import type { RequestOptions } from '../request/infer-request-body';
import { parseModelMetadata, type ModelMetadata } from '../request/model-metadata';
import type { InferTransport, PreparedInfer } from './infer-transport';

const MODEL_INFER = `/${INFERENCE_SERVICE}/ModelInfer`;
const asIs = (bytes: Buffer) => bytes;

export class GrpcTransport implements InferTransport {
  private readonly client: GrpcClient;

  constructor(
    address: string,
    private readonly requestTimeoutMs = 60_000,
  ) {
    this.client = createGrpcClient(address);
  }

  async modelMetadata(model: string, version: string | undefined): Promise<ModelMetadata> {
    const metadata = await unaryCall<{ inputs: { shape: string[] }[]; outputs: { shape: string[] }[] }>(this.client, 'ModelMetadata', { name: model, version: version ?? '' });
    const numeric = (tensors: { shape: string[] }[]) => tensors.map((tensor) => ({ ...tensor, shape: tensor.shape.map(Number) }));
    return parseModelMetadata({ ...metadata, inputs: numeric(metadata.inputs), outputs: numeric(metadata.outputs) });
  }

  prepare(metadata: ModelMetadata, model: string, version: string | undefined, options: RequestOptions): PreparedInfer {
    const request = buildGrpcInferRequest(metadata, model, version, options);
    return { send: () => this.send(request.bytes), requestBytes: request.bytes.byteLength, tensorBytes: request.tensorBytes, shapes: request.shapes };
  }

  async statistics(model: string, version: string | undefined): Promise<InferenceStatsSnapshot | undefined> {
    try {
      return parseInferenceStats(await unaryCall(this.client, 'ModelStatistics', { name: model, version: version ?? '' }));
    } catch {
      return undefined;
    }
  }

  close(): void {
    this.client.close();
  }

  /** Sends the prepared bytes; the response is counted, not decoded. */
  private send(bytes: Buffer): Promise<InferOutcome> {
    return new Promise((resolve) => {
      this.client.makeUnaryRequest(MODEL_INFER, asIs, asIs, bytes, new Metadata(), { deadline: Date.now() + this.requestTimeoutMs }, (error: ServiceError | null, response?: Buffer) =>
        resolve(error ? { ok: false, bytes: 0, failure: `gRPC ${status[error.code]}: ${error.details}` } : { ok: true, bytes: response?.byteLength ?? 0 }),
      );
    });
  }
}
