import { Module, type DynamicModule } from '@nestjs/common';
import { BusModule, COMMON_FLAGS, flagString, parseFlags } from '@flotilla/service-kit';
import { FleetListener } from './fleet.listener';
import { InferHandler } from './infer.handler';
import { ModelsListener } from './models.listener';
import { SchedulerState } from './scheduler.state';

@Module({})
export class SchedulerModule {
  static fromArgv(argv: readonly string[]): DynamicModule {
    const flags = parseFlags(argv, COMMON_FLAGS);
    return {
      module: SchedulerModule,
      imports: [BusModule.forRoot({ servers: flagString(flags, 'nats-url'), name: 'scheduler' })],
      providers: [SchedulerState, ModelsListener, FleetListener, InferHandler],
    };
  }
}
