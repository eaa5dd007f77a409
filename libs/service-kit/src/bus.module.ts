import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { MessageBus } from '@flotilla/transport';

export const BUS = Symbol('MessageBus');

/** Injects the service's single NATS connection; drains it when the service shuts down. */
export const InjectBus = () => Inject(BUS);

@Global()
@Module({})
export class BusModule implements OnApplicationShutdown {
  constructor(@InjectBus() private readonly bus: MessageBus) {}

  static forRoot(options: { servers: string; name: string }): DynamicModule {
    return {
      module: BusModule,
      providers: [{ provide: BUS, useFactory: () => MessageBus.connect(options) }],
      exports: [BUS],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.bus.drain();
  }
}
