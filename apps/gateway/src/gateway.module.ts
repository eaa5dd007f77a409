import { Module, type DynamicModule } from '@nestjs/common';
import { BusModule } from '@flotilla/service-kit';
import { GATEWAY_OPTIONS, gatewayOptions } from './gateway.options';
import { HttpServer } from './http-server';
import { InferClient } from './infer.client';
import { KserveRouter } from './kserve.router';
import { ModelCatalog } from './model-catalog';
import { SharedMemoryRoute } from './shared-memory-route';

@Module({})
export class GatewayModule {
  static fromArgv(argv: readonly string[]): DynamicModule {
    const options = gatewayOptions(argv);
    return {
      module: GatewayModule,
      imports: [BusModule.forRoot({ servers: options.natsUrl, name: 'gateway' })],
      providers: [{ provide: GATEWAY_OPTIONS, useValue: options }, ModelCatalog, SharedMemoryRoute, InferClient, KserveRouter, HttpServer],
    };
  }
}
