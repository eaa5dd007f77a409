import { Module, type DynamicModule } from '@nestjs/common';
import { ControlPlaneModule, FleetController, FleetView, ModelRecords, RepositoryEventsController, SERVICE_READINESS } from '@flotilla/service-kit';
import { GatewayHealth } from './gateway-health';
import { GATEWAY_OPTIONS, gatewayOptions } from './gateway.options';
import { GrpcHealthService } from './grpc/grpc-health.service';
import { GrpcInferenceService } from './grpc/grpc-inference.service';
import { GrpcServer } from './grpc/grpc-server';
import { HttpServer } from './http-server';
import { InferClient } from './infer.client';
import { InferPipeline } from './infer-pipeline';
import { KSERVE_OPERATIONS_PROVIDER, TRACE_SAMPLING_PROVIDER, TRACE_SETTING_OPERATIONS_PROVIDER } from './kserve-operations.provider';
import { KserveRouter } from './kserve.router';
import { MetricsServer } from './metrics-server';
import { ModelCatalog } from './model-catalog';
import { SchedulerWatch, SchedulerWatchController } from './scheduler-watch';
import { SharedMemoryRoute } from './shared-memory-route';
import { TraceSettingsController, TraceSettingsSync } from './trace-settings-sync';

@Module({})
export class GatewayModule {
  static fromArgv(argv: readonly string[]): DynamicModule {
    const options = gatewayOptions(argv);
    return {
      module: GatewayModule,
      imports: [ControlPlaneModule.forRoot(options.bus)],
      // The gateway answers no control message of its own (beyond every service's health probe): it listens to the repository, the fleet, the schedulers and the other gateways' trace settings.
      controllers: [RepositoryEventsController, FleetController, SchedulerWatchController, TraceSettingsController],
      providers: [{ provide: GATEWAY_OPTIONS, useValue: options }, FleetView, SchedulerWatch, ModelRecords, ModelCatalog, KSERVE_OPERATIONS_PROVIDER, TRACE_SAMPLING_PROVIDER, TraceSettingsSync, TRACE_SETTING_OPERATIONS_PROVIDER, GatewayHealth, { provide: SERVICE_READINESS, useExisting: GatewayHealth }, SharedMemoryRoute, InferClient, InferPipeline, KserveRouter, HttpServer, GrpcInferenceService, GrpcHealthService, GrpcServer, MetricsServer],
      // The health probe (runService's) asks the gateway's readiness.
      exports: [SERVICE_READINESS],
    };
  }
}
