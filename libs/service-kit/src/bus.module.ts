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
    // When the whole process group is stopped (Ctrl-C), nats-server may already be gone: there
    // is nothing left to drain then, and that is no error.
    await this.bus.drain().catch(() => undefined);
  }
}
