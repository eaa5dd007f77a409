import { Module, type DynamicModule } from '@nestjs/common';
import { ControlPlaneModule, FleetController, FleetView, ModelRecords, RepositoryEventsController } from '@flotilla/service-kit';
import { GATEWAY_OPTIONS, gatewayOptions } from './gateway.options';
import { GrpcHealthService } from './grpc/grpc-health.service';
import { GrpcInferenceService } from './grpc/grpc-inference.service';
import { GrpcServer } from './grpc/grpc-server';
import { HttpServer } from './http-server';
import { InferClient } from './infer.client';
import { InferPipeline } from './infer-pipeline';
import { KSERVE_OPERATIONS_PROVIDER } from './kserve-operations.provider';
import { KserveRouter } from './kserve.router';
import { MetricsServer } from './metrics-server';
import { ModelCatalog } from './model-catalog';
import { SchedulerWatch, SchedulerWatchController } from './scheduler-watch';
import { SharedMemoryRoute } from './shared-memory-route';

@Module({})
export class GatewayModule {
  static fromArgv(argv: readonly string[]): DynamicModule {
    const options = gatewayOptions(argv);
    return {
      module: GatewayModule,
      imports: [ControlPlaneModule.forRoot({ servers: options.natsUrl, name: 'gateway' })],
      // The gateway answers no control message of its own: it listens to the repository, the fleet and the schedulers.
      controllers: [RepositoryEventsController, FleetController, SchedulerWatchController],
      providers: [{ provide: GATEWAY_OPTIONS, useValue: options }, FleetView, SchedulerWatch, ModelRecords, ModelCatalog, KSERVE_OPERATIONS_PROVIDER, SharedMemoryRoute, InferClient, InferPipeline, KserveRouter, HttpServer, GrpcInferenceService, GrpcHealthService, GrpcServer, MetricsServer],
    };
  }
}
