import { Inject, Injectable } from '@nestjs/common';
import { Metadata, type ServerDuplexStream, type UntypedServiceImplementation } from '@grpc/grpc-js';
import {
  configWarningsHeaders,
  decodeModelInferRequest,
  encodeModelInferResponse,
  KserveOperations,
  traceSettingResponseOf,
  TraceSettingOperations,
  traceSettingUpdateOf,
  type ModelInferRequestMessage,
  type ModelRequestMessage,
  type RepositoryIndexRequestMessage,
  type RepositoryModelRequestMessage,
  repositoryParameters,
  type TraceSettingRequestMessage,
} from '@flotilla/kserve';
import { GATEWAY_OPTIONS, type GatewayOptions } from '../gateway.options';
import { InferPipeline } from '../infer-pipeline';
import { InferStream } from './infer-stream';
import { serializeWithinLimit } from './response-size';
import { deadlineOf, optional, unaryHandler } from './unary-handler';

/**
 * `inference.GRPCInferenceService`: each RPC decodes its message into a call on the operations
 * the HTTP router uses (or the shared inference path) and encodes the answer, so both protocols
 * answer alike, errors included (same texts, Triton's gRPC codes).
 */
@Injectable()
export class GrpcInferenceService {
  constructor(
    private readonly operations: KserveOperations,
    private readonly pipeline: InferPipeline,
    private readonly traceSettings: TraceSettingOperations,
    @Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions,
  ) {}

  implementation(): UntypedServiceImplementation {
    const ops = this.operations;
    return {
      ServerLive: unaryHandler(() => ({ live: ops.serverLive() })),
      ServerReady: unaryHandler(async () => ({ ready: await ops.serverReady() })),
      ModelReady: unaryHandler(async (request: ModelRequestMessage) => ({ ready: await ops.modelReady(request.name, optional(request.version)) })),
      ServerMetadata: unaryHandler(() => ops.serverMetadata()),
      ModelMetadata: unaryHandler((request: ModelRequestMessage) => ops.modelMetadata(request.name, optional(request.version))),
      ModelConfig: unaryHandler(async (request: ModelRequestMessage, call) => {
        const { config, warnings } = await ops.modelConfig(request.name, optional(request.version));
        // What HTTP sends as a response header goes in the response's metadata, under the same name.
        const headers = configWarningsHeaders(warnings);
        if (Object.keys(headers).length > 0) call.sendMetadata(asMetadata(headers));
        return { config };
      }),
      // An empty name is every model, as in Triton.
      ModelStatistics: unaryHandler((request: ModelRequestMessage) => ops.modelStatistics(optional(request.name), optional(request.version))),
      RepositoryIndex: unaryHandler(async (request: RepositoryIndexRequestMessage) => ({
        models: await ops.repositoryIndex({ repository: optional(request.repository_name), readyOnly: request.ready }),
      })),
      RepositoryModelLoad: unaryHandler(async (request: RepositoryModelRequestMessage) => {
        await ops.repositoryLoad({ repository: optional(request.repository_name), model: request.model_name, parameters: repositoryParameters(request.parameters) });
        return {};
      }),
      RepositoryModelUnload: unaryHandler(async (request: RepositoryModelRequestMessage) => {
        await ops.repositoryUnload({ repository: optional(request.repository_name), model: request.model_name, parameters: repositoryParameters(request.parameters) });
        return {};
      }),
      // Triton's trace extension, through the operations HTTP's /v2[/models/<m>]/trace/setting uses.
      TraceSetting: unaryHandler(async (request: TraceSettingRequestMessage) => {
        const model = optional(request.model_name);
        const update = traceSettingUpdateOf(request);
        const settings = Object.keys(update).length === 0 ? await this.traceSettings.get(model) : await this.traceSettings.update(model, update);
        return traceSettingResponseOf(settings);
      }),
      ModelInfer: unaryHandler((request: ModelInferRequestMessage, call) =>
        this.infer(request, call.metadata, deadlineOf(call)).then((message) => serializeWithinLimit('ModelInfer', message, this.options.grpcMaxSendBytes)),
      ),
      ModelStreamInfer: (call: ServerDuplexStream<object, Buffer>) =>
        new InferStream(call, (request) => this.infer(request, call.metadata, deadlineOf(call)), this.options.grpcMaxSendBytes).start(),
    };
  }

  /**
   * One inference through the path HTTP requests take, from the request's own trace context; the
   * call's deadline goes with it, so a request its client gave up on leaves the queue then too.
   */
  private infer(request: ModelInferRequestMessage, metadata: Metadata, deadline: number | undefined) {
    return this.pipeline.run(
      { model: request.model_name, version: request.model_version, protocol: 'grpc', deadline },
      metadata.getMap(),
      () => decodeModelInferRequest(request),
      (decoded, response) => encodeModelInferResponse(response, decoded.outputs),
    );
  }
}

/** HTTP-style headers as gRPC metadata (keys lower-cased, as gRPC requires). */
function asMetadata(headers: Record<string, string>): Metadata {
  const metadata = new Metadata();
  for (const [key, value] of Object.entries(headers)) metadata.set(key.toLowerCase(), value);
  return metadata;
}
