// KServe v2 over HTTP/1.1 keep-alive, JSON or binary tensors.
import { KeepAliveClient } from '../http/keep-alive-client';
import { parseInferenceStats, type InferenceStatsSnapshot } from '../http/server-stats';
import { buildInferRequestBody, type HttpWireProtocol, type RequestOptions } from '../request/infer-request-body';
import { parseModelMetadata, type ModelMetadata } from '../request/model-metadata';
import type { InferTransport, PreparedInfer } from './infer-transport';

export class HttpTransport implements InferTransport {
  private readonly client: KeepAliveClient;

  constructor(
    url: string,
    private readonly protocol: HttpWireProtocol,
    maxInFlight: number,
    requestTimeoutMs?: number,
  ) {
    this.client = new KeepAliveClient(url, maxInFlight, requestTimeoutMs);
  }

  async modelMetadata(model: string, version: string | undefined): Promise<ModelMetadata> {
    const path = modelPath(model, version);
    const metadata = await this.client.getJson(path);
    if (metadata.status !== 200) throw new Error(`GET ${path} answered ${metadata.status}: ${JSON.stringify(metadata.json)}`);
    return parseModelMetadata(metadata.json);
  }

  prepare(metadata: ModelMetadata, model: string, version: string | undefined, options: RequestOptions): PreparedInfer {
    const request = buildInferRequestBody(metadata, { ...options, protocol: this.protocol });
    const path = `${modelPath(model, version)}/infer`;
    return { send: () => this.client.post(path, request.body, request.headers), requestBytes: request.body.byteLength, tensorBytes: request.tensorBytes, shapes: request.shapes };
  }

  async statistics(model: string, version: string | undefined): Promise<InferenceStatsSnapshot | undefined> {
    try {
      const response = await this.client.getJson(`${modelPath(model, version)}/stats`);
      return response.status === 200 ? parseInferenceStats(response.json) : undefined;
    } catch {
      return undefined;
    }
  }

  close(): void {
    this.client.close();
  }
}

function modelPath(model: string, version: string | undefined): string {
  return `/v2/models/${encodeURIComponent(model)}${version ? `/versions/${version}` : ''}`;
}
