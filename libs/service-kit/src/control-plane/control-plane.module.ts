import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { NatsConnection } from '@nats-io/transport-node';
import { connectNats, MessageBus, type BusOptions } from '@flotilla/transport';
import { ControlErrorFilter } from './control-error.filter';
import { ControlPlaneClient } from './control-plane.client';
import { ControlPlaneListening } from './control-plane-listening';

/** The service's one NATS connection; the control plane's server strategy subscribes on it too. */
export const NATS_CONNECTION = Symbol('NatsConnection');
/** The hot path (binary frames) over the same connection. */
export const BUS = Symbol('MessageBus');

export const InjectBus = () => Inject(BUS);

/**
 * One NATS connection per process, and everything that speaks over it: the `ControlPlaneClient`
 * (Nest's ClientProxy for control messages), the `MessageBus` (raw binary frames on the hot path),
 * and the filter that turns every control handler's failure into the reply envelope. Global, so
 * its shutdown hook runs after every service module's: the connection drains last, once the
 * service has said what it had to say on the way out (an executor's `leaving`, say).
 */
@Global()
@Module({})
export class ControlPlaneModule implements OnApplicationShutdown {
  constructor(@InjectBus() private readonly bus: MessageBus) {}

  static forRoot(options: BusOptions): DynamicModule {
    return {
      module: ControlPlaneModule,
      providers: [
        { provide: NATS_CONNECTION, useFactory: () => connectNats(options) },
        { provide: BUS, inject: [NATS_CONNECTION], useFactory: (connection: NatsConnection) => MessageBus.over(connection, options.inboxPrefix) },
        {
          provide: ControlPlaneClient,
          inject: [NATS_CONNECTION, BUS],
          useFactory: (connection: NatsConnection, bus: MessageBus) => new ControlPlaneClient(connection, bus.link, options.inboxPrefix),
        },
        ControlPlaneListening,
        { provide: APP_FILTER, useClass: ControlErrorFilter },
      ],
      exports: [NATS_CONNECTION, BUS, ControlPlaneClient, ControlPlaneListening],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    // When the whole process group is stopped (Ctrl-C), nats-server may already be gone: there
    // is nothing left to drain then, and that is no error.
    await this.bus.drain().catch(() => undefined);
  }
}
