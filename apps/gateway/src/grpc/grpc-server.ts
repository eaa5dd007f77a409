import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Server, ServerCredentials } from '@grpc/grpc-js';
import { HEALTH_SERVICE, INFERENCE_SERVICE, serverServiceDefinition } from '@flotilla/kserve-grpc';
import { GATEWAY_OPTIONS, type GatewayOptions } from '../gateway.options';
import { GrpcHealthService } from './grpc-health.service';
import { GrpcInferenceService } from './grpc-inference.service';

/** On shutdown, calls in flight get this long to finish before the server closes them. */
const DRAIN_MS = 5000;

/**
 * The gRPC listener (`--grpc-port`, default 8001, as Triton): KServe v2's
 * `inference.GRPCInferenceService` and the standard `grpc.health.v1.Health`, with
 * `--grpc-max-receive-message-bytes` / `--grpc-max-send-message-bytes` as gRPC's own message limits.
 * Off with `--allow-grpc false`.
 */
@Injectable()
export class GrpcServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('grpc');
  private server?: Server;

  constructor(
    private readonly inference: GrpcInferenceService,
    private readonly health: GrpcHealthService,
    @Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.options.allowGrpc) return;
    const server = new Server({
      'grpc.max_receive_message_length': this.options.grpcMaxReceiveBytes,
      'grpc.max_send_message_length': this.options.grpcMaxSendBytes,
    });
    server.addService(serverServiceDefinition(INFERENCE_SERVICE), this.inference.implementation());
    server.addService(serverServiceDefinition(HEALTH_SERVICE), this.health.implementation());
    const address = `${this.options.grpcAddress}:${this.options.grpcPort}`;
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync(address, ServerCredentials.createInsecure(), (error, bound) => (error ? reject(new Error(`gRPC cannot listen on ${address}: ${error.message}`)) : resolve(bound))),
    );
    this.server = server;
    this.logger.log(`KServe v2 gRPC API listening on ${this.options.grpcAddress}:${port}`);
  }

  /** New calls are refused at once; health watches end; calls in flight get DRAIN_MS to finish. */
  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    this.health.endWatches();
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => {
        server.forceShutdown();
        resolve();
      }, DRAIN_MS);
      server.tryShutdown(() => {
        clearTimeout(force);
        resolve();
      });
    });
  }
}
